// An open-loop load generator for latency at a given rate: each client (one kept-alive connection) is due to send at
// fixed times, the clients' times interleaved so the whole offers an even `rate` requests per second. Latency runs
// from when a request was due, not from when it left: a request held back behind a slow answer on its connection
// counts its wait (no coordinated omission). Requests are written and answers read on raw sockets, so the generator
// costs little of the CPU it shares with the server.
import { connect, type Socket } from 'node:net';

export interface PacedClient {
  /** The request's head (request line and headers, without Content-Length) and body, for the `n`-th request. */
  request(n: number): { head: string; body: string };
}

export interface PacedResult {
  sent: number;
  answered: number;
  /** Answered per second over the run. */
  rate: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  /** Every latency (ms), sorted: runs can be merged. */
  latencies: Float64Array;
  /** Each answer's latency (ms) beside when its request was due (performance.now()), in the order answered. */
  answers: { due: Float64Array; latency: Float64Array };
}

interface Connection {
  socket: Socket;
  client: PacedClient;
  /** Due times (ms, performance.now()) of requests owed on this connection, the first in flight when `busy`. */
  due: number[];
  busy: boolean;
  buffer: Buffer;
  sent: number;
}

/** Parses one HTTP/1.1 answer with Content-Length from the front of `buffer`; its status and length, or undefined. */
function parseAnswer(buffer: Buffer): { status: number; length: number } | undefined {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = buffer.toString('latin1', 0, end);
  const status = Number(head.slice(9, 12));
  const match = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  const length = end + 4 + (match ? Number(match[1]) : 0);
  return buffer.length >= length ? { status, length } : undefined;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/**
 * Offers `rate` requests per second for `seconds` over one connection per client, then waits (at most 10 s) for the
 * answers still owed. Latencies are in ms.
 */
export async function pacedLoad(
  port: number,
  clients: readonly PacedClient[],
  rate: number,
  seconds: number,
  /** Ends the run early once it answers true (checked as requests fall due). */
  stop?: () => boolean,
): Promise<PacedResult> {
  const latencies = new Float64Array(Math.ceil(rate * seconds) + clients.length);
  const dues = new Float64Array(latencies.length);
  let answered = 0;
  let non2xx = 0;
  let errors = 0;
  let next = 0;

  const connections = await Promise.all(
    clients.map(
      (client) =>
        new Promise<Connection>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.setNoDelay(true);
            resolve({ socket, client, due: [], busy: false, buffer: Buffer.alloc(0), sent: 0 });
          });
          socket.once('error', reject);
        }),
    ),
  );

  function send(connection: Connection): void {
    connection.busy = true;
    const { head, body } = connection.client.request(next++);
    connection.socket.write(`${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    connection.sent++;
  }

  for (const connection of connections) {
    connection.socket.removeAllListeners('error');
    connection.socket.on('error', () => {
      errors++;
    });
    connection.socket.on('data', (chunk: Buffer) => {
      connection.buffer = connection.buffer.length === 0 ? chunk : Buffer.concat([connection.buffer, chunk]);
      for (;;) {
        const answer = parseAnswer(connection.buffer);
        if (!answer) break;
        connection.buffer = connection.buffer.subarray(answer.length);
        const due = connection.due.shift() as number;
        dues[answered] = due;
        latencies[answered++] = performance.now() - due;
        if (answer.status < 200 || answer.status >= 300) non2xx++;
        connection.busy = false;
        // Owed already (its time passed while the previous one was out): sent now, its latency counted from then.
        if (connection.due.length > 0) send(connection);
      }
    });
  }

  const interval = 1000 / rate;
  const start = performance.now();
  let total = Math.round(rate * seconds);
  let offered = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (stop?.()) total = offered;
      while (offered < total && start + offered * interval <= now) {
        const connection = connections[offered % connections.length] as Connection;
        connection.due.push(start + offered * interval);
        offered++;
        if (!connection.busy) send(connection);
      }
      if (offered < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const elapsed = (performance.now() - start) / 1000;
  const waitUntil = Date.now() + 10_000;
  while (answered + errors < offered && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 5));
  for (const connection of connections) connection.socket.destroy();

  const answers = { due: dues.subarray(0, answered), latency: latencies.slice(0, answered) };
  const sorted = latencies.subarray(0, answered).sort();
  return {
    sent: offered,
    answered,
    rate: answered / elapsed,
    non2xx,
    errors,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    latencies: sorted,
    answers,
  };
}
