// What the accounts area's pages receive besides the infrastructure: answers from other areas, as functions handed
// over by the wiring (server/app.ts).
import type { Term } from '../../shared/licensing/capacity.ts';
import type { Deps } from '../deps.ts';

export interface AccountsDeps extends Deps {
  /** The licence term (rule 23): candidates see the platform offline once it is cancelled. From server/licensing/. */
  licenceTerm: () => Promise<Term | null>;
}
