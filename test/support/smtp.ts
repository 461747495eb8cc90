// A real SMTP server on loopback (the smtp-server package, as a mail relay would answer) that keeps every message it
// accepts, can be stopped and started again on the same port, and tells a test when a message arrives.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach } from 'vitest';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtp {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Resolves once `count` messages in all have arrived. */
  receivedCount(count: number): Promise<ReceivedMail[]>;
  /** Stops listening: connections are refused, as when the mail server is down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

const running = new Set<SMTPServer>();
afterEach(async () => {
  await Promise.all([...running].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  running.clear();
});

/** Undoes quoted-printable soft line breaks and escapes so links can be read from the raw message. */
export const decodeQuotedPrintable = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

export async function startSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const waiting: { count: number; resolve: (mail: ReceivedMail[]) => void }[] = [];
  const arrived = () => {
    for (const wait of waiting.splice(0)) {
      if (received.length >= wait.count) wait.resolve(received);
      else waiting.push(wait);
    }
  };
  let server: SMTPServer | undefined;
  let port = 0;
  const start = async () => {
    const created = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        let raw = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          raw += chunk;
        });
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
          });
          callback();
          arrived();
        });
      },
    });
    await new Promise<void>((resolve) => created.listen(port, '127.0.0.1', resolve));
    port = (created.server.address() as AddressInfo).port;
    server = created;
    running.add(created);
  };
  await start();
  return {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    received,
    receivedCount: (count) =>
      new Promise((resolve) => {
        waiting.push({ count, resolve });
        arrived();
      }),
    async stop() {
      const stopping = server;
      server = undefined;
      if (!stopping) return;
      running.delete(stopping);
      await new Promise<void>((resolve) => stopping.close(() => resolve()));
    },
    start,
  };
}
