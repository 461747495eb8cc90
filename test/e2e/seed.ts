import { createApp } from '../../server/app.ts';
import { newId } from '../../server/auth/secrets.ts';
import { createSession } from '../../server/auth/sessions.ts';
import { loadConfig } from '../../server/config.ts';
import { type DatabaseSettings, openDatabase } from '../../server/db/database.ts';
import { importExam, parseExamDocument, setPublished } from '../../server/exams/authoring.ts';
import { startAttempt } from '../../server/exams/start.ts';
import { createLogger } from '../../server/logger.ts';
import { createOutboxMailer } from '../../server/mail/queue.ts';
import { migrations } from '../../server/migrations.ts';

// Seeds a database directly (no HTTP, no password hashing): one published exam of `questions` single-choice
// questions and `candidates` verified candidates, each with a session and, optionally, an attempt in progress.

export interface Seeded {
  examId: string;
  candidates: { accountId: string; cookie: string; attemptId: string | null }[];
}

export async function seedCandidates(
  settings: DatabaseSettings,
  options: { candidates: number; questions: number; startAttempts: boolean; timeLimitMinutes?: number },
): Promise<Seeded> {
  const database = await openDatabase(settings, { migrations });
  try {
    const config = loadConfig({ DATA_DIR: settings.dataDir, DATABASE_URL: settings.databaseUrl, LOG_LEVEL: 'silent' });
    const { exams: deps } = createApp({
      config,
      database,
      mailer: createOutboxMailer(
        database.db,
        () => new Date(),
        () => {},
      ),
      logger: createLogger('silent'),
    });
    const exam = await importExam(
      deps,
      parseExamDocument({
        format: 'seatkeeper-exam/1',
        exam: {
          title: 'Load exam',
          timeLimitMinutes: options.timeLimitMinutes ?? 120,
          passMark: 50,
          questionCount: options.questions,
        },
        questions: Array.from({ length: options.questions }, (_, i) => ({
          kind: 'single',
          text: `Question ${i + 1}`,
          options: [{ text: 'Right', correct: true }, { text: 'Wrong' }],
        })),
      }),
    );
    await setPublished(deps, exam.id, true);
    const now = new Date().toISOString();
    const candidates: Seeded['candidates'] = [];
    for (let i = 0; i < options.candidates; i++) {
      const id = newId();
      const account = {
        id,
        email: `load${i}-${id}@example.com`,
        name: `Load Candidate ${i}`,
        role: 'candidate' as const,
        active: 1,
        password_hash: null,
        created_at: now,
        deactivated_at: null,
        email_verified_at: now,
        last_sign_in_at: null,
        locale: null,
        time_zone: null,
      };
      await database.db.insertInto('accounts').values(account).execute();
      const token = await createSession(database.db, id, new Date());
      const attempt = options.startAttempts
        ? await startAttempt(deps, { ...account, deactivation_reason: null } as never, exam.id)
        : null;
      candidates.push({ accountId: id, cookie: `seatkeeper_session=${token}`, attemptId: attempt?.id ?? null });
    }
    return { examId: exam.id, candidates };
  } finally {
    await database.close();
  }
}
