// The exams' share of the candidate's home page /my (issue 17): the exams they may sit with where each stands, their
// attempts and results, their certificates. The accounts area shows it; the wiring hands it over as a function.
import type { VNode } from 'preact';
import type { Account } from '../../auth/tables.ts';
import { useI18n } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { type CatalogueEntry, catalogue, history } from '../attempts.ts';
import type { ExamsDeps } from '../context.ts';
import { CertificateLinks } from './certificate-links.tsx';

type History = Awaited<ReturnType<typeof history>>;

/** Where one exam stands for this candidate, and the step to take next. */
function examStatus(entry: CatalogueEntry, attempts: History['attempts'], now: number) {
  const mine = attempts.filter((a) => a.examId === entry.exam.id);
  const last = mine.find((a) => a.status !== 'in_progress');
  if (entry.inProgressAttemptId) {
    const open = mine.find((a) => a.id === entry.inProgressAttemptId);
    const seconds = open ? Math.max(0, Math.floor((Date.parse(open.deadlineAt) - now) / 1000)) : 0;
    return { kind: 'inProgress' as const, seconds, attemptId: entry.inProgressAttemptId };
  }
  if (last?.passed === true) return { kind: 'passed' as const, score: last.scorePercent ?? 0, attemptId: last.id };
  if (entry.window === 'not_yet_open') return { kind: 'notYetOpen' as const, at: entry.opensAt ?? '' };
  if (entry.window === 'closed') return { kind: 'closed' as const };
  if (entry.availableFrom) return { kind: 'coolingDown' as const, at: entry.availableFrom };
  if (last && last.passed === null) return { kind: 'awaiting' as const, attemptId: last.id };
  if (entry.attemptsLeft === 0) return { kind: 'noAttemptsLeft' as const, attemptId: last?.id };
  if (last?.passed === false)
    return { kind: 'failed' as const, score: last.scorePercent ?? 0, attemptId: last.id, canRetake: true };
  return { kind: 'notStarted' as const };
}

function ExamRow({ entry, attempts, now }: { entry: CatalogueEntry; attempts: History['attempts']; now: number }) {
  const { t, format } = useI18n();
  const status = examStatus(entry, attempts, now);
  const text = (() => {
    switch (status.kind) {
      case 'inProgress':
        return t('exams.home.status.inProgress', { duration: format.duration(status.seconds) });
      case 'passed':
        return t('exams.home.status.passed', { score: format.percent(status.score / 100) });
      case 'failed':
        return t('exams.home.status.failed', { score: format.percent(status.score / 100) });
      case 'notYetOpen':
        return t('exams.home.status.notYetOpen', { at: format.dateTime(status.at) });
      case 'coolingDown':
        return t('exams.home.status.coolingDown', { at: format.dateTime(status.at) });
      default:
        return t(`exams.home.status.${status.kind}`);
    }
  })();
  const start = (label: 'exams.home.action.start' | 'exams.home.action.retake') => (
    <form method="post" action={`/exams/${entry.exam.id}/start`}>
      <button type="submit">{t(label)}</button>
    </form>
  );
  return (
    <li>
      <span>
        <strong>{entry.exam.title}</strong>
        <br />
        <span class="exam-state">{text}</span>
      </span>
      {status.kind === 'inProgress' && (
        <a class="button" href={`/attempts/${status.attemptId}`}>
          {t('exams.home.action.continue')}
        </a>
      )}
      {status.kind === 'notStarted' && start('exams.home.action.start')}
      {status.kind === 'failed' && start('exams.home.action.retake')}
      {(status.kind === 'passed' || status.kind === 'awaiting') && (
        <a href={`/attempts/${status.attemptId}`}>{t('exams.home.action.result')}</a>
      )}
    </li>
  );
}

function CandidateHome({ entries, data, now }: { entries: CatalogueEntry[]; data: History; now: number }) {
  const { t, format } = useI18n();
  return (
    <>
      <section class="card" aria-labelledby="my-exams">
        <h2 id="my-exams">{t('exams.home.examsHeading')}</h2>
        {entries.length === 0 ? (
          <p>{t('exams.home.none')}</p>
        ) : (
          <ul class="exam-rows">
            {entries.map((entry) => (
              <ExamRow key={entry.exam.id} entry={entry} attempts={data.attempts} now={now} />
            ))}
          </ul>
        )}
        <p>
          <a href="/exams">{t('exams.home.allExams')}</a>
        </p>
      </section>
      <section class="card" aria-labelledby="my-certificates">
        <h2 id="my-certificates">{t('exams.home.certificatesHeading')}</h2>
        {data.certificates.length === 0 ? (
          <p>{t('exams.home.noCertificates')}</p>
        ) : (
          <DataTable
            caption={t('exams.home.certificatesHeading')}
            captionHidden
            rows={data.certificates}
            columns={[
              { header: t('exams.history.exam'), cell: (c) => c.examTitle },
              { header: t('exams.history.issued'), cell: (c) => format.date(c.issuedAt) },
              {
                header: t('exams.history.validUntil'),
                cell: (c) => (c.expiresAt ? format.date(c.expiresAt) : t('exams.history.noExpiry')),
              },
              { header: t('exams.history.downloads'), cell: (c) => <CertificateLinks id={c.id} /> },
            ]}
          />
        )}
      </section>
      <section class="card" aria-labelledby="my-attempts">
        <h2 id="my-attempts">{t('exams.home.attemptsHeading')}</h2>
        {data.attempts.length === 0 ? (
          <p>{t('exams.home.noAttempts')}</p>
        ) : (
          <DataTable
            caption={t('exams.home.attemptsHeading')}
            captionHidden
            rows={data.attempts}
            columns={[
              { header: t('exams.history.exam'), cell: (a) => <a href={`/attempts/${a.id}`}>{a.examTitle}</a> },
              {
                header: t('exams.history.started'),
                cell: (a) => <time datetime={a.startedAt}>{format.dateTime(a.startedAt)}</time>,
              },
              { header: t('exams.history.status'), cell: (a) => t(`exams.status.${a.status}`) },
              {
                header: t('exams.history.score'),
                numeric: true,
                cell: (a) => (a.scorePercent === null ? '—' : format.percent(a.scorePercent / 100)),
              },
              {
                header: t('exams.history.result'),
                cell: (a) =>
                  a.passed === null ? '—' : a.passed ? t('exams.history.passed') : t('exams.history.notPassed'),
              },
            ]}
          />
        )}
      </section>
    </>
  );
}

/** The cards of /my for a candidate (staff see none: they sit no exams). */
export async function examsHome(deps: ExamsDeps, account: Account): Promise<VNode | null> {
  if (account.role !== 'candidate') return null;
  const entries = await catalogue(deps, account);
  const data = await history(deps, account);
  return <CandidateHome entries={entries} data={data} now={deps.clock().getTime()} />;
}
