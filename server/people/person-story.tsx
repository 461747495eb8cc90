// A person's story on their page (issue 18): attempts and results, certificates, the mail sent to them, and what
// staff can do to help (send the confirmation again, send a reset link).

import type { ComponentChildren } from 'preact';
import type { AccountView } from '../accounts/accounts.ts';
import type { Principal } from '../auth/principal.ts';
import { useI18n } from '../i18n/request.ts';
import { type Column, DataTable } from '../web/data-table.tsx';
import type { PersonStory } from './person-story.ts';

/** One part of the story: a card whose heading names its table, with what to say when there is nothing. */
function StoryCard<Row>(props: {
  id: string;
  heading: string;
  rows: readonly Row[];
  empty: string;
  columns: readonly (Column<Row> | false)[];
  children?: ComponentChildren;
}) {
  return (
    <section class="card" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.heading}</h2>
      <DataTable caption={props.heading} captionHidden rows={props.rows} empty={props.empty} columns={props.columns} />
      {props.children}
    </section>
  );
}

export function AttemptsCard({ story }: { story: PersonStory }) {
  const { t, format } = useI18n();
  return (
    <StoryCard
      id="story-attempts"
      heading={t('people.story.attempts')}
      rows={story.attempts}
      empty={t('people.story.noAttempts')}
      columns={[
        {
          header: t('exams.history.exam'),
          rowHeader: true,
          cell: (a) => <a href={`/portal/exams/${a.examId}`}>{a.examTitle}</a>,
        },
        { header: t('people.story.started'), cell: (a) => format.dateTime(a.startedAt) },
        {
          header: t('people.story.result'),
          cell: (a) =>
            a.status === 'in_progress'
              ? t('people.story.inProgress')
              : a.scorePercent === null
                ? t(`people.story.status.${a.status}`)
                : t('people.story.score', {
                    score: format.percent(a.scorePercent / 100),
                    passed: a.passed ? 'yes' : 'no',
                  }),
        },
        { header: t('people.story.finished'), cell: (a) => (a.finishedAt ? format.dateTime(a.finishedAt) : '') },
      ]}
    />
  );
}

export function CertificatesCard({ story }: { story: PersonStory }) {
  const { t, format } = useI18n();
  return (
    <StoryCard
      id="story-certificates"
      heading={t('exams.history.certificates')}
      rows={story.certificates}
      empty={t('exams.history.noCertificates')}
      columns={[
        {
          header: t('exams.history.exam'),
          rowHeader: true,
          cell: (c) => <a href={`/certificates/${c.id}`}>{c.examTitle}</a>,
        },
        { header: t('exams.history.issued'), cell: (c) => format.date(c.issuedAt) },
        {
          header: t('exams.history.validUntil'),
          cell: (c) => (c.expiresAt ? format.date(c.expiresAt) : t('exams.history.noExpiry')),
        },
        {
          header: t('exams.history.status'),
          cell: (c) => (
            <a href={`/verify/${c.id}`}>{c.revokedAt ? t('people.story.revoked') : t('people.story.verify')}</a>
          ),
        },
      ]}
    />
  );
}

export function MailCard({ story, principal }: { story: PersonStory; principal: Principal }) {
  const { t, format } = useI18n();
  const admin = principal.account.role === 'admin';
  return (
    <StoryCard
      id="story-mail"
      heading={t('people.story.mail')}
      rows={story.mail}
      empty={t('people.story.noMail')}
      columns={[
        { header: t('people.story.subject'), rowHeader: true, cell: (m) => m.subject },
        { header: t('audit.when'), cell: (m) => format.dateTime(m.createdAt) },
        {
          header: t('exams.history.status'),
          cell: (m) => (
            <>
              {t(`mailQueue.status.${m.status}`)}
              {m.lastError && m.status !== 'sent' && <p class="hint">{m.lastError}</p>}
            </>
          ),
        },
      ]}
    >
      {admin && story.mail.length > 0 && (
        <p>
          <a href="/portal/outbox">{t('people.story.openOutbox')}</a>
        </p>
      )}
    </StoryCard>
  );
}

/** Support and admins, signed in (an access token acts for scripts, not for people asking for help). */
export function HelpCard({ account, principal }: { account: AccountView; principal: Principal }) {
  const { t } = useI18n();
  if (principal.kind !== 'session' || principal.account.role === 'candidate') return null;
  return (
    <section class="card" aria-labelledby="story-help">
      <h2 id="story-help">{t('people.story.help')}</h2>
      {!account.active ? (
        <p>{t('people.story.inactiveNoMail')}</p>
      ) : (
        <>
          {!account.emailVerifiedAt && (
            <form method="post" action={`/portal/users/${account.id}/resend-confirmation`} class="inline-form">
              <button type="submit">{t('people.story.resendConfirmation')}</button>
            </form>
          )}
          <form method="post" action={`/portal/users/${account.id}/send-reset-link`} class="inline-form">
            <button type="submit">{t('people.story.sendResetLink')}</button>
          </form>
          <p class="hint">{t('people.story.helpHint', { email: account.email })}</p>
        </>
      )}
    </section>
  );
}
