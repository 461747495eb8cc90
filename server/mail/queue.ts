// Every mail goes into the outbox table first and is delivered from there: a mail is never lost because the SMTP
// server was away when it was written. A sender retries with growing waits and gives up after MAX_ATTEMPTS (the mail
// is then `failed`, shown in the portal, where an admin can send it again). Several instances may share the queue: a
// sender claims a mail for a while before delivering it, so each is delivered by one of them.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { Logger } from '../logger.ts';
import type { Mailer, MailTransport, OutgoingMail } from './mailer.ts';
import type { MailStatus, OutboxRow } from './tables.ts';

export const MAX_ATTEMPTS = 10;
/** 30 s after the first failure, doubling to an hour: about four hours from the first try to the last. */
export const retryWaitSeconds = (attempts: number) => Math.min(30 * 2 ** (attempts - 1), 3600);
/** How long a sender may take over one batch before another instance may take it over. */
const CLAIM_SECONDS = 120;
const BATCH = 20;
/** How often a running sender looks for mail queued by other instances or falling due for a retry. */
const POLL_MS = 5_000;
/** Delivered mail holds links that have expired by then: it is not kept longer. */
const KEEP_SENT_DAYS = 30;

export interface MailQueueOptions {
  /** Delivers mail; without one (no SMTP_URL), mail is kept as `held` for admins to read in the portal. */
  transport: MailTransport | null;
  logger?: Logger;
  /** Where held mail is printed so a developer can follow its links (the console by default). */
  print?: (text: string) => void;
}

export interface DeliveryRound {
  sent: number;
  retrying: number;
  failed: number;
}

const addSeconds = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000).toISOString();
const shortError = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

export class MailQueue implements Mailer {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #transport: MailTransport | null;
  readonly #logger: Logger | undefined;
  readonly #print: (text: string) => void;
  /** Names this instance in claims. */
  readonly #sender = `sender-${randomBytes(6).toString('hex')}`;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #round: Promise<DeliveryRound> | null = null;
  #again = false;

  constructor(db: Db, clock: Clock, options: MailQueueOptions) {
    this.#db = db;
    this.#clock = clock;
    this.#transport = options.transport;
    this.#logger = options.logger;
    this.#print = options.print ?? console.log;
  }

  /** Queues the mail (in the outbox table) and, when this instance's sender runs, starts delivering it now. */
  async send(mail: OutgoingMail): Promise<void> {
    const now = this.#clock();
    await this.#db
      .insertInto('outbox')
      .values({
        created_at: now.toISOString(),
        to_address: mail.to,
        subject: mail.subject,
        body: mail.text,
        status: this.#transport ? 'queued' : 'held',
        attempts: 0,
        next_attempt_at: this.#transport ? now.toISOString() : null,
      })
      .execute();
    if (!this.#transport) {
      this.#print(
        `\n--- outbox: mail to ${mail.to} ---\nSubject: ${mail.subject}\n\n${mail.text}\n--- end of mail ---\n`,
      );
      return;
    }
    this.nudge();
  }

  /** Delivers what is due now, if the sender runs (a mail queued or sent again). */
  nudge(): void {
    if (this.#running) void this.deliverDue().catch(() => {});
  }

  /** Starts delivering: now, then every few seconds and whenever mail is queued here. */
  start(): void {
    if (!this.#transport || this.#running) return;
    this.#running = true;
    const tick = () => {
      this.#timer = setTimeout(() => {
        void this.deliverDue()
          .catch((error: unknown) => this.#logger?.error('mail queue round failed', { error: shortError(error) }))
          .finally(() => {
            if (this.#running) tick();
          });
      }, POLL_MS);
      this.#timer.unref();
    };
    this.nudge();
    tick();
  }

  /** Stops taking new mail to deliver and waits for the delivery under way. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#round?.catch(() => {});
  }

  /**
   * One delivery round: claims the mail that is due, delivers each, records the outcome. Rounds asked for while one
   * runs are folded into one more round after it, so a burst of mail is one or two rounds.
   */
  deliverDue(): Promise<DeliveryRound> {
    if (this.#round) {
      this.#again = true;
      return this.#round;
    }
    const round = (async () => {
      const total: DeliveryRound = { sent: 0, retrying: 0, failed: 0 };
      do {
        this.#again = false;
        const outcome = await this.#deliverBatch();
        total.sent += outcome.sent;
        total.retrying += outcome.retrying;
        total.failed += outcome.failed;
        if (outcome.sent + outcome.retrying + outcome.failed === BATCH) this.#again = true;
      } while (this.#again);
      return total;
    })();
    this.#round = round;
    return round.finally(() => {
      this.#round = null;
    });
  }

  async #deliverBatch(): Promise<DeliveryRound> {
    const outcome: DeliveryRound = { sent: 0, retrying: 0, failed: 0 };
    const transport = this.#transport;
    if (!transport) return outcome;
    const claimed = await this.#claim();
    for (const mail of claimed) {
      const now = this.#clock();
      const attempts = mail.attempts + 1;
      try {
        await transport.deliver({ to: mail.to_address, subject: mail.subject, text: mail.body });
        await this.#settle(mail.id, { status: 'sent', attempts, sent_at: now.toISOString(), last_error: null });
        outcome.sent++;
      } catch (error) {
        const gaveUp = attempts >= MAX_ATTEMPTS;
        const next = gaveUp ? null : addSeconds(now, retryWaitSeconds(attempts));
        await this.#settle(mail.id, {
          status: gaveUp ? 'failed' : 'queued',
          attempts,
          next_attempt_at: next,
          last_error: shortError(error),
        });
        // Who and why, never the body: it holds links that sign people in.
        this.#logger?.[gaveUp ? 'error' : 'warn'](
          gaveUp ? 'mail delivery failed' : 'mail delivery failed; will retry',
          {
            mailId: mail.id,
            to: mail.to_address,
            subject: mail.subject,
            attempts,
            nextAttemptAt: next,
            reason: shortError(error),
          },
        );
        if (gaveUp) outcome.failed++;
        else outcome.retrying++;
      }
    }
    await this.#forgetOldMail();
    return outcome;
  }

  /** Takes the mail that is due and not being delivered by another sender (rows locked while they are taken). */
  async #claim(): Promise<OutboxRow[]> {
    const now = this.#clock();
    const at = now.toISOString();
    return writeTransaction(this.#db, async (trx) => {
      const due = await trx
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'queued')
        .where('next_attempt_at', '<=', at)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', at)]))
        .orderBy('id')
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      if (due.length === 0) return [];
      return trx
        .updateTable('outbox')
        .set({ claimed_by: this.#sender, claimed_until: addSeconds(now, CLAIM_SECONDS) })
        .where(
          'id',
          'in',
          due.map((row) => row.id),
        )
        .returningAll()
        .execute();
    });
  }

  async #settle(
    id: number,
    outcome: { status: MailStatus; attempts: number } & Partial<
      Pick<OutboxRow, 'sent_at' | 'next_attempt_at' | 'last_error'>
    >,
  ): Promise<void> {
    await this.#db
      .updateTable('outbox')
      .set({ ...outcome, claimed_by: null, claimed_until: null })
      .where('id', '=', id)
      .where('claimed_by', '=', this.#sender)
      .execute();
  }

  async #forgetOldMail(): Promise<void> {
    const before = addSeconds(this.#clock(), -KEEP_SENT_DAYS * 86_400);
    await this.#db.deleteFrom('outbox').where('status', '=', 'sent').where('sent_at', '<', before).execute();
  }
}

/** Sends a failed mail again: it is queued with its retries counted from zero. False unless it had failed. */
export async function sendAgain(db: Db, id: number, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'queued', attempts: 0, next_attempt_at: now.toISOString(), last_error: null })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** How many mails are in each state (for the metrics). */
export async function mailCounts(db: Db): Promise<Record<MailStatus, number>> {
  const rows = await db
    .selectFrom('outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  const counts: Record<MailStatus, number> = { held: 0, queued: 0, sent: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

/** The queue of an installation without SMTP: every mail is held in the outbox (and printed, for a developer). */
export const createOutboxMailer = (db: Db, clock: Clock, print?: (text: string) => void): MailQueue =>
  new MailQueue(db, clock, { transport: null, ...(print ? { print } : {}) });
