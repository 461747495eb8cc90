// The licence portal: one LicensingState per app (in Deps), its follow-ups wired here.
import type { Deps } from '../deps.ts';
import { afterLicenceChange } from './history.ts';
import { LicensingState } from './state.ts';

export function createLicensing(deps: Deps): LicensingState {
  const state = new LicensingState(deps);
  state.afterChange = () => afterLicenceChange(deps);
  return state;
}
