import nodemailer from 'nodemailer';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** The only thing the rest of the server knows about email. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}

/** Development mailer: keeps mail in the outbox table (readable by admins) and prints it so links can be followed. */
export function createOutboxMailer(db: Db, clock: Clock, print: (text: string) => void = console.log): Mailer {
  return {
    async send(mail) {
      await db
        .insertInto('outbox')
        .values({ created_at: clock().toISOString(), to_address: mail.to, subject: mail.subject, body: mail.text })
        .execute();
      print(`\n--- outbox: mail to ${mail.to} ---\nSubject: ${mail.subject}\n\n${mail.text}\n--- end of mail ---\n`);
    },
  };
}
