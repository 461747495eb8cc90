import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import { migrations } from '../../server/migrations.ts';
import { seedCandidates } from './seed.ts';
import { makeDataDir, startServer } from './server-process.ts';

// Durability: 200 candidates autosave concurrently over HTTP, the server is killed with SIGKILL mid-way and restarted
// on the same DATA_DIR; every save the server acknowledged (2xx) must be there (the highest seq per question).

const CANDIDATES = 200;
const QUESTIONS = 20;
/** The kill comes after this many acknowledged saves, however fast or slow the machine is. */
const KILL_AFTER_ACKNOWLEDGED = 1000;

describe('crash safety of autosave', () => {
  it('keeps every acknowledged save across kill -9', async () => {
    const data = await makeDataDir();
    try {
      const seeded = await seedCandidates(data.settings, {
        candidates: CANDIDATES,
        questions: QUESTIONS,
        startAttempts: true,
      });
      const server = await startServer(data);
      const acked = new Map<string, number>();
      let sent = 0;
      let acknowledged = 0;
      let failed = 0;
      let stop = false;
      let reachedKillPoint: () => void = () => {};
      const killPoint = new Promise<void>((resolve) => {
        reachedKillPoint = resolve;
      });
      const runCandidate = async (candidate: (typeof seeded.candidates)[number]) => {
        for (let i = 0; !stop; i++) {
          const position = i % QUESTIONS;
          const seq = Math.floor(i / QUESTIONS) + 1;
          sent++;
          try {
            const response = await fetch(`${server.url}/api/v1/attempts/${candidate.attemptId}/answers`, {
              method: 'POST',
              headers: { cookie: candidate.cookie, origin: server.url, 'content-type': 'application/json' },
              body: JSON.stringify({ answers: [{ position, seq, answer: seq % 2 ? 'o1' : 'o2' }] }),
            });
            await response.arrayBuffer();
            if (response.ok) {
              acknowledged++;
              if (acknowledged === KILL_AFTER_ACKNOWLEDGED) reachedKillPoint();
              const key = `${candidate.attemptId}:${position}`;
              acked.set(key, Math.max(acked.get(key) ?? 0, seq));
            } else failed++;
          } catch {
            failed++;
            return; // the server is gone
          }
        }
      };
      const clients = Promise.all(seeded.candidates.map(runCandidate));
      await killPoint;
      await server.kill();
      stop = true;
      await clients;

      const restarted = await startServer(data);
      await restarted.stop();
      const database = await openDatabase(data.settings, { migrations });
      try {
        const rows = await database.db
          .selectFrom('attempt_answers')
          .select(['attempt_id', 'position', 'seq'])
          .execute();
        const stored = new Map(rows.map((r) => [`${r.attempt_id}:${r.position}`, r.seq]));
        const missing = [...acked].filter(([key, seq]) => (stored.get(key) ?? 0) < seq);
        console.log(
          `crash test: ${sent} saves sent, ${acknowledged} acknowledged, ${failed} failed or cut off by the kill, ` +
            `${acked.size} (attempt, question) pairs acknowledged, ${rows.length} stored, ${missing.length} missing`,
        );
        expect(acknowledged).toBeGreaterThanOrEqual(KILL_AFTER_ACKNOWLEDGED);
        expect(missing).toEqual([]);
      } finally {
        await database.close();
      }
    } finally {
      await data.remove();
    }
  }, 60_000);
});
