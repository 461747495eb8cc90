// How a mail in the outbox is doing (queued, sent, failed after its retries), and the button that sends a failed one
// again. Shown on the outbox page for each mail.
import { useI18n } from '../i18n/request.ts';
import type { OutboxMailView } from './queries.ts';

export function OutboxIntro({ smtp }: { smtp: boolean }) {
  const { t } = useI18n();
  return <p>{t(smtp ? 'mailQueue.intro.smtp' : 'mailQueue.intro.held')}</p>;
}

export function MailDelivery({ mail }: { mail: OutboxMailView }) {
  const { t, format } = useI18n();
  return (
    <div class="mail-delivery">
      <p>
        <strong>{t(`mailQueue.status.${mail.status}`)}</strong>{' '}
        {mail.status === 'sent' && mail.sentAt && t('mailQueue.sentAt', { at: format.dateTime(mail.sentAt) })}
        {mail.status === 'queued' &&
          mail.attempts > 0 &&
          mail.nextAttemptAt &&
          t('mailQueue.retry', { attempts: mail.attempts, at: format.dateTime(mail.nextAttemptAt) })}
        {mail.status === 'failed' && t('mailQueue.gaveUp', { attempts: mail.attempts })}
      </p>
      {mail.lastError && mail.status !== 'sent' && (
        <p>
          {t('mailQueue.lastError')} <code>{mail.lastError}</code>
        </p>
      )}
      {mail.status === 'failed' && (
        <form method="post" action={`/portal/outbox/${mail.id}/resend`}>
          <button type="submit">{t('mailQueue.resend')}</button>
        </form>
      )}
    </div>
  );
}

/** A mail's text with its web addresses as links (only http and https: a mail could name anything else). */
export function MailBody({ body }: { body: string }) {
  const parts = body.split(/(https?:\/\/[^\s<>"]+)/);
  return (
    <pre>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <a href={part} rel="noreferrer">
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </pre>
  );
}
