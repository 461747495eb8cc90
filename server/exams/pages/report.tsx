// The report on an exam's page: figures, the score distribution with its pass-mark line, item analysis and what
// candidates chose per option.
import { type I18n, isMessageKey, type MessageKey } from '../../i18n/messages.ts';
import { useI18n } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import type { QuestionTally } from '../option-stats.ts';
import { distributionSvg, type ExamReport, type ItemStats } from '../reports.ts';

/** An attempt's state in words: in progress, or how it ended (timed out or submitted) and whether it passed. */
export function attemptOutcomeKey(status: string, passed: boolean | null): MessageKey {
  if (status === 'in_progress') return 'exams.reports.outcome.inProgress';
  if (passed === null) return 'exams.reports.outcome.submitted';
  if (status === 'expired')
    return passed ? 'exams.reports.outcome.timedOutPassed' : 'exams.reports.outcome.timedOutFailed';
  return passed ? 'exams.reports.outcome.passed' : 'exams.reports.outcome.failed';
}

/** What a true/false option is called in the reader's language; other options as the author wrote them. */
export const reportOptionText = (t: I18n['t'], option: { id: string; text: string }, trueFalse: boolean) =>
  trueFalse && isMessageKey(`exams.answer.${option.id}`) ? t(`exams.answer.${option.id}` as MessageKey) : option.text;

function OptionTable({ item, tally }: { item: ItemStats; tally: QuestionTally }) {
  const { t, format } = useI18n();
  const trueFalse = tally.options.some((o) => o.id === 'true');
  return (
    <DataTable
      caption={item.text}
      rows={tally.options}
      columns={[
        { header: t('exams.reports.option'), rowHeader: true, cell: (o) => reportOptionText(t, o, trueFalse) },
        {
          header: t('exams.reports.rightAnswer'),
          cell: (o) => (o.correct ? <strong class="right-answer">{t('exams.reports.right')}</strong> : ''),
        },
        { header: t('exams.reports.chosen'), numeric: true, cell: (o) => format.number(o.chosen) },
        {
          header: t('exams.reports.share'),
          numeric: true,
          cell: (o) => (o.share === null ? '—' : format.percent(o.share)),
        },
      ]}
    />
  );
}

function ShortAnswerTable({ item, tally }: { item: ItemStats; tally: QuestionTally }) {
  const { t, format } = useI18n();
  return (
    <>
      <DataTable
        caption={item.text}
        rows={tally.answers}
        empty={t('exams.reports.noAnswers', { question: item.text })}
        columns={[
          { header: t('exams.reports.given'), rowHeader: true, cell: (a) => a.answer },
          {
            header: t('exams.reports.rightAnswer'),
            cell: (a) => (a.correct ? <strong class="right-answer">{t('exams.reports.accepted')}</strong> : ''),
          },
          { header: t('exams.reports.times'), numeric: true, cell: (a) => format.number(a.count) },
        ]}
      />
      {tally.distinctAnswers > tally.answers.length && (
        <p class="hint">
          {t('exams.reports.moreAnswers', { shown: tally.answers.length, distinct: tally.distinctAnswers })}
        </p>
      )}
    </>
  );
}

export function ExamReportSection({ examId, report }: { examId: string; report: ExamReport }) {
  const { t, format } = useI18n();
  const percentOf = (value: number | null) => (value === null ? '—' : format.percent(value / 100));
  const passMark = format.percent(report.passMark / 100);
  const distributionLabel = t('exams.reports.chartLabel', {
    bands: report.distribution.map((count, i) => `${format.percent(i / 10)}: ${format.number(count)}`).join(', '),
    passMark,
  });
  const svg = distributionSvg(report.distribution, distributionLabel, {
    percent: report.passMark,
    label: t('exams.reports.passMarkLine', { passMark }),
  });
  return (
    <section class="card" aria-labelledby="summary">
      <h2 id="summary">{t('exams.report.title')}</h2>
      <p>
        {t('exams.report.summary', {
          attempts: report.attempts,
          finished: report.finished,
          passed: report.passed,
          passRate: report.passRate === null ? '—' : format.percent(report.passRate),
          mean: percentOf(report.meanScore),
        })}{' '}
        <a href={`/api/v1/exams/${examId}/report?format=csv`}>{t('exams.report.csv')}</a> ·{' '}
        <a href={`/api/v1/exams/${examId}/export`}>{t('exams.report.json')}</a>
      </p>
      <figure>
        {/* Generated from numbers only (reports.ts); the labels are escaped there. */}
        <div dangerouslySetInnerHTML={{ __html: svg }} />
        <figcaption>
          {t('exams.report.distribution')} {t('exams.reports.passMarkCaption', { passMark })}
        </figcaption>
      </figure>
      <DataTable
        caption={t('exams.report.items')}
        rows={report.items}
        columns={[
          { header: t('exams.result.question'), cell: (i) => i.text },
          { header: t('exams.report.responses'), numeric: true, cell: (i) => format.number(i.responses) },
          {
            header: t('exams.report.facility'),
            numeric: true,
            cell: (i) => (i.facility === null ? '—' : format.number(i.facility)),
          },
          {
            header: t('exams.report.discrimination'),
            numeric: true,
            cell: (i) => (i.discrimination === null ? '—' : format.number(i.discrimination)),
          },
        ]}
      />
      {report.items.length > 0 && (
        <section aria-labelledby="option-stats" class="option-stats">
          <h3 id="option-stats">{t('exams.reports.optionsHeading')}</h3>
          <p class="hint">{t('exams.reports.optionsHint')}</p>
          {report.items.map((item) =>
            item.tally.options.length > 0 ? (
              <OptionTable key={item.questionId} item={item} tally={item.tally} />
            ) : (
              <ShortAnswerTable key={item.questionId} item={item} tally={item.tally} />
            ),
          )}
        </section>
      )}
    </section>
  );
}
