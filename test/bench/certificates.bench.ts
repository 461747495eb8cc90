// Standalone benchmark: `npx tsx test/bench/certificates.bench.ts` (also run by `npm run bench`).
// Certificate PDFs (pdf-lib + QR code) generated per second for distinct certificates, 3 runs of a few seconds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDeps } from '../../server/app.ts';
import { openBadgeCredential } from '../../server/certificates/credential.ts';
import { certificatePdf } from '../../server/certificates/pdf.ts';
import type { Certificate } from '../../server/certificates/tables.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/database.ts';
import { createLogger } from '../../server/logger.ts';
import { createOutboxMailer } from '../../server/mail/mailer.ts';
import { migrations } from '../../server/migrations.ts';
import { median, report } from './report.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

const certificate = (i: number): Certificate => ({
  id: `bench${String(i).padStart(27, 'a')}`.slice(0, 32),
  attempt_id: 'attempt',
  account_id: 'account',
  exam_id: 'exam',
  holder_name: `Holder Number ${i}`,
  exam_title: 'Certified Licence Accountant',
  score_percent: 90,
  issued_at: '2026-11-24T12:00:00.000Z',
  expires_at: '2027-11-24T12:00:00.000Z',
  revoked_at: null,
  revoked_reason: null,
  replaced_by: null,
});

async function rate(work: (i: number) => Promise<unknown>): Promise<number> {
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  const started = performance.now();
  while (performance.now() < end) await work(done++);
  return done / ((performance.now() - started) / 1000);
}

const dataDir = await mkdtemp(join(tmpdir(), 'seatkeeper-bench-certificates-'));
const database = await openDatabase({ dataDir }, { migrations });
try {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PUBLIC_URL: 'https://certs.example.com' });
  const deps = buildDeps({
    config,
    database,
    mailer: createOutboxMailer(
      database.db,
      () => new Date(),
      () => {},
    ),
    logger: createLogger('silent'),
  });
  await certificatePdf(deps, certificate(0)); // warm up
  const pdfs: number[] = [];
  const credentials: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    pdfs.push(await rate((i) => certificatePdf(deps, certificate(i))));
    credentials.push(await rate((i) => openBadgeCredential(deps, certificate(i))));
    console.log(
      `round ${round}: ${Math.round(pdfs.at(-1) ?? 0)} PDFs/s, ${Math.round(credentials.at(-1) ?? 0)} credentials/s`,
    );
  }
  report(`Certificates, one process, ${ROUNDS} x ${SECONDS} s`, [
    { name: 'certificate PDFs per second', value: median(pdfs), unit: 'PDF/s', target: 100, atLeast: true, runs: pdfs },
    { name: 'signed Open Badge VC-JWTs per second', value: median(credentials), unit: 'JWT/s', runs: credentials },
  ]);
} finally {
  await database.close();
  await rm(dataDir, { recursive: true, force: true });
}
