// What the exams area's services and pages receive: the infrastructure and, as functions handed over by the wiring
// (server/app.ts), what they need from other areas.
import type { Term } from '../../shared/licensing/capacity.ts';
import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import type { Attempt, Exam } from './tables.ts';

export interface ExamsDeps extends Deps {
  /**
   * The licence term (rule 23), or null while no licence is configured: publishing is refused when it is expired and
   * candidates are offline when it is cancelled. Answered by server/licensing/.
   */
  licenceTerm: () => Promise<Term | null>;
  /** Issues the certificate of a passed attempt inside the transaction that closes it; from server/certificates/. */
  issueCertificate: (trx: Db, attempt: Attempt, exam: Exam, issuedAt: string) => Promise<unknown>;
  /** Counts answers written by autosaves, for the metrics. */
  autosaved: (answers: number) => void;
}
