// One candidate's attempt opened by staff from the exam's report: who, when, how long, the score, and each answer
// against the right one. Read-only.
import type { Principal } from '../../auth/principal.ts';
import { useI18n } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { Layout } from '../../web/layout.tsx';
import type { AttemptReview, ReviewedQuestion } from '../attempt-review.ts';
import { attemptOutcomeKey, reportOptionText } from './report.tsx';

function AnswerText({ q, side }: { q: ReviewedQuestion; side: 'given' | 'right' }) {
  const { t } = useI18n();
  if (q.kind === 'short_answer') {
    if (side === 'right') return <>{q.accepted.join(' / ')}</>;
    return q.given?.trim() ? q.given : <span class="hint">{t('exams.result.noAnswer')}</span>;
  }
  const shown = q.options.filter((o) => (side === 'given' ? o.chosen : o.correct));
  if (shown.length === 0) return <span class="hint">{t('exams.result.noAnswer')}</span>;
  return <>{shown.map((o) => reportOptionText(t, o, q.kind === 'true_false')).join(', ')}</>;
}

export function AttemptReviewPage({ principal, review }: { principal: Principal; review: AttemptReview }) {
  const { t, format } = useI18n();
  return (
    <Layout title={t('exams.reports.attemptTitle', { name: review.candidateName })} principal={principal}>
      <p>
        <a href={`/portal/exams/${review.examId}`}>{t('exams.reports.backToExam', { exam: review.examTitle })}</a>
      </p>
      <section class="card" aria-labelledby="attempt-facts">
        <h2 id="attempt-facts">{review.examTitle}</h2>
        <dl class="facts">
          <dt>{t('exams.report.candidate')}</dt>
          <dd>
            {review.candidateName} ({review.candidateEmail})
          </dd>
          <dt>{t('exams.history.started')}</dt>
          <dd>
            <time datetime={review.startedAt}>{format.dateTime(review.startedAt)}</time>
          </dd>
          <dt>{t('exams.reports.finished')}</dt>
          <dd>
            {review.finishedAt ? <time datetime={review.finishedAt}>{format.dateTime(review.finishedAt)}</time> : '—'}
          </dd>
          <dt>{t('exams.reports.timeTaken')}</dt>
          <dd>{review.secondsTaken === null ? '—' : format.duration(review.secondsTaken)}</dd>
          <dt>{t('exams.history.status')}</dt>
          <dd>{t(attemptOutcomeKey(review.status, review.passed))}</dd>
          <dt>{t('exams.history.score')}</dt>
          <dd>
            {review.scorePercent === null
              ? '—'
              : t('exams.reports.scoreAgainst', {
                  score: format.percent(review.scorePercent / 100),
                  passMark: format.percent(review.passMark / 100),
                })}
          </dd>
        </dl>
      </section>
      <DataTable
        caption={t('exams.reports.answersCaption')}
        rows={review.questions}
        columns={[
          {
            header: t('exams.result.question'),
            rowHeader: true,
            cell: (q) => t('exams.reports.numberedQuestion', { number: q.position + 1, text: q.text }),
          },
          { header: t('exams.reports.candidateAnswer'), cell: (q) => <AnswerText q={q} side="given" /> },
          { header: t('exams.result.correct'), cell: (q) => <AnswerText q={q} side="right" /> },
          {
            header: t('exams.result.points'),
            numeric: true,
            cell: (q) => format.number(Math.round(q.points * 100) / 100),
          },
        ]}
      />
    </Layout>
  );
}
