// The exam page's settings card: what a candidate's attempt will be like, and the author's ways into the editor.

import { useI18n } from '../../i18n/request.ts';
import type { ExamView } from '../authoring.ts';

export function ExamSummary({ exam, admin }: { exam: ExamView; admin: boolean }) {
  const { locale, t, format } = useI18n();
  const base = `/portal/exams/${exam.id}`;
  const policy = t(`exams.settings.review.${exam.reviewPolicy}`);
  const state = exam.published ? 'published' : exam.frozen ? 'frozen' : 'draft';
  const rows: [string, string][] = [
    [t('exams.summary.version'), t('exams.summary.versionState', { version: exam.version, state })],
    [t('exams.summary.timeLimit'), t('exams.summary.minutes', { minutes: exam.timeLimitMinutes })],
    [t('exams.summary.passMark'), format.percent(exam.passMark / 100)],
    [
      t('exams.summary.attempts'),
      exam.attemptsAllowed === null ? t('exams.summary.unlimited') : format.number(exam.attemptsAllowed),
    ],
    [
      t('exams.summary.cooldown'),
      exam.cooldownMinutes === 0
        ? t('exams.summary.none')
        : t('exams.summary.minutes', { minutes: exam.cooldownMinutes }),
    ],
    [
      t('exams.summary.review'),
      exam.reviewPolicy === 'after_date' && exam.reviewAfter
        ? t('exams.summary.reviewAfter', { policy, at: format.dateTime(exam.reviewAfter) })
        : policy,
    ],
    [
      t('exams.summary.drawn'),
      exam.drawRules.length > 0
        ? t('exams.drawRules.summary', {
            count: exam.questionCount,
            rules: new Intl.ListFormat(locale, { type: 'conjunction' }).format(
              exam.drawRules.map((rule) => t('exams.drawRules.summaryRule', rule)),
            ),
          })
        : format.number(exam.questionCount),
    ],
    [
      t('exams.summary.shuffle'),
      t('exams.summary.shuffleState', {
        questions: exam.shuffleQuestions ? 'yes' : 'no',
        options: exam.shuffleOptions ? 'yes' : 'no',
      }),
    ],
    [
      t('exams.summary.validity'),
      exam.validityMonths === null
        ? t('exams.summary.noExpiry')
        : t('exams.summary.months', { months: exam.validityMonths }),
    ],
  ];
  return (
    <section class="card" aria-labelledby="settings-heading">
      <h2 id="settings-heading">{t('exams.summary.title')}</h2>
      <dl class="facts">
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <ul class="inline-actions">
        {admin && !exam.frozen && (
          <li>
            <a class="button" href={`${base}/settings`}>
              {t('exams.settings.edit')}
            </a>
          </li>
        )}
        <li>
          <a class="button secondary" href={`${base}/questions`}>
            {admin && !exam.frozen ? t('exams.editor.questions') : t('exams.editor.viewQuestions')}
          </a>
        </li>
        <li>
          <a class="button secondary" href={`${base}/preview`}>
            {t('exams.preview.whole')}
          </a>
        </li>
        {admin && exam.frozen && (
          <li>
            <form method="post" action={`${base}/versions`}>
              <button type="submit">{t('exams.editor.newVersion')}</button>
            </form>
          </li>
        )}
        {admin && (
          <li>
            <form method="post" action={`${base}/duplicate`}>
              <button type="submit" class="secondary">
                {t('exams.editor.duplicate')}
              </button>
            </form>
          </li>
        )}
      </ul>
    </section>
  );
}
