// What the people area (one person across areas) receives: the licensing context it builds on, and what it needs
// from the exams and certificates areas for a person's data download and erasure, as functions handed over by the
// wiring (server/app.ts).
import type { Certificate } from '../certificates/tables.ts';
import type { Db } from '../db/database.ts';
import type { ExamRecords } from '../exams/personal-data.ts';
import type { LicensingDeps } from '../licensing/context.ts';

export interface PeopleDeps extends LicensingDeps {
  /** Attempts (as the person may see them) and granted extra time; from server/exams/. */
  examRecordsOf: (accountId: string) => Promise<ExamRecords>;
  /** The exams area's share of an erasure, inside its transaction; from server/exams/. */
  eraseExamPersonalData: (trx: Db, accountId: string, email: string) => Promise<void>;
  /** A certificate's PDF and its signed Open Badges credential; from server/certificates/. */
  certificatePdf: (certificate: Certificate) => Promise<Uint8Array>;
  certificateCredential: (certificate: Certificate) => Promise<string>;
}
