// What the licensing area's services and pages receive: the infrastructure, the live figures, and what it needs from
// another area (exams), handed over as a function by the wiring (server/app.ts).
import type { Deps } from '../deps.ts';
import type { LicensingState } from './state.ts';

export interface LicensingDeps extends Deps {
  /** Live licence figures: loaded once, kept current by every change (rule 24). */
  licensing: LicensingState;
  /** Accounts with an exam attempt in progress, exempt from retention (rule 25); answered by server/exams/. */
  accountsWithExamInProgress: () => Promise<Set<string>>;
  /** Erases a closed account's personal data (rule 26a) for the daily job; answered by server/people/. */
  eraseClosedAccount: (accountId: string) => Promise<unknown>;
}
