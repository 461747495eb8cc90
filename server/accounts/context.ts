// What the accounts area's pages receive besides the infrastructure: answers from other areas, as functions handed
// over by the wiring (server/app.ts).

import type { VNode } from 'preact';
import type { Term } from '../../shared/licensing/capacity.ts';
import type { Account } from '../auth/tables.ts';
import type { Deps } from '../deps.ts';

export interface AccountsDeps extends Deps {
  /** The licence term (rule 23): candidates see the platform offline once it is cancelled. From server/licensing/. */
  licenceTerm: () => Promise<Term | null>;
  /** Closes the account's attempts in progress (scored, a certificate if passed): closing an account does it first. */
  finaliseAttemptsOf: (accountId: string) => Promise<number>;
  /** After how many days a closed account's personal data is erased (an organisation setting, server/licensing/). */
  closedAccountErasureDays: () => Promise<number>;
  /** A candidate's exams, attempts and certificates for their home page /my (null for staff); from server/exams/. */
  examsHome: (account: Account) => Promise<VNode | null>;
}
