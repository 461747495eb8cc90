import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** The only thing the rest of the server knows about email (server/mail/queue.ts is the one implementation). */
export interface Mailer {
  /** Queues the mail; it is delivered (and retried) in the background. */
  send(mail: OutgoingMail): Promise<void>;
  /** Delivers what is due now instead of at the next round (after an admin sends a failed mail again). */
  nudge(): void;
}

/** Hands one mail to a mail server; throws when the server is unreachable or refuses it. */
export interface MailTransport {
  deliver(mail: OutgoingMail): Promise<void>;
}

/** SMTP via nodemailer, with timeouts short enough that an unreachable server fails a round rather than hangs it. */
export function smtpTransport(smtpUrl: string, from: string): MailTransport {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async deliver(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}
