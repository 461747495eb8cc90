// What the autosave benchmarks send: candidates saving one answer per request, in a closed loop through autocannon
// (each candidate saves again the moment it is answered), or paced through paced-load.ts.
import autocannon from 'autocannon';
import type { PacedClient } from './paced-load.ts';

export type Candidate = { cookie: string; attemptId: string };

export interface ClosedLoopRun {
  rate: number;
  p99: number;
  non2xx: number;
}

/** The body of the `n`-th save: one answer, its `seq` growing with `n` so every save is applied. */
export const saveBody = (n: number, questions: number): string =>
  JSON.stringify({ answers: [{ position: n % questions, seq: n, answer: n % 2 ? 'o1' : 'o2' }] });

const answersPath = (candidate: Candidate) => `/api/v1/attempts/${candidate.attemptId}/answers`;

/** Closed loop: one connection per candidate, each saving again as soon as answered, for `seconds`. */
export function closedLoopSaves(
  port: number,
  candidates: readonly Candidate[],
  { seconds, questions, origin }: { seconds: number; questions: number; origin: string },
): Promise<ClosedLoopRun> {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: candidates.length,
        duration: seconds,
        setupClient: (client) => {
          const candidate = candidates[next++ % candidates.length] as Candidate;
          let n = Date.now() % 1_000_000; // seq keeps growing across rounds
          client.setRequests([
            {
              method: 'POST',
              path: answersPath(candidate),
              headers: { cookie: candidate.cookie, origin, 'content-type': 'application/json' },
              setupRequest: (request) => {
                n++;
                return { ...request, body: saveBody(n, questions) };
              },
            },
          ]);
        },
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({ rate: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx });
      },
    );
  });
}

/** One paced client per candidate (paced-load.ts), with a `seq` above those of earlier rounds. */
export function pacedSaves(candidates: readonly Candidate[], questions: number, origin: string): PacedClient[] {
  const base = Date.now() % 1_000_000_000;
  return candidates.map((candidate) => {
    const head =
      `POST ${answersPath(candidate)} HTTP/1.1\r\nhost: 127.0.0.1\r\n` +
      `cookie: ${candidate.cookie}\r\norigin: ${origin}\r\ncontent-type: application/json\r\n`;
    return { request: (n) => ({ head, body: saveBody(base + n, questions) }) };
  });
}
