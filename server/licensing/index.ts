// The licensing area's context: one LicensingState per app (the live figures), with its follow-ups wired here.
import type { Deps } from '../deps.ts';
import type { LicensingDeps } from './context.ts';
import { afterLicenceChange } from './history.ts';
import { LicensingState } from './state.ts';

export function licensingContext(
  deps: Deps,
  needs: Pick<LicensingDeps, 'accountsWithExamInProgress' | 'eraseClosedAccount'>,
): LicensingDeps {
  // The state keeps the infrastructure object itself, so switching bulk reads on later (tests) reaches it.
  const state = new LicensingState(deps);
  const context: LicensingDeps = { ...deps, licensing: state, ...needs };
  state.afterChange = () => afterLicenceChange(context);
  return context;
}
