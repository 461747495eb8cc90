// Preview: one question or the whole exam as a candidate sees it, answer keys left out. Reading only: no attempt,
// no answers saved, nothing the licence counts.

import { type Context, Hono } from 'hono';
import { principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import type { I18n } from '../../i18n/messages.ts';
import { i18nOf } from '../../i18n/request.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import { activeQuestions, findQuestion, getExam, toExamView } from '../authoring.ts';
import type { ExamsDeps } from '../context.ts';
import { type PublicQuestion, publicView, type QuestionContent } from '../questions.ts';

type T = I18n['t'];

/** One question as the attempt page draws it: its number, its text, and the controls a candidate answers with. */
function PreviewQuestion({ q, number, total, t }: { q: PublicQuestion; number: number; total: number; t: T }) {
  const name = `preview-${number}`;
  return (
    <fieldset class="card question" id={`question-${number}`}>
      <legend>
        <span class="question-number">
          {t(q.kind === 'multiple' ? 'exams.attempt.questionMultiple' : 'exams.attempt.question', { number, total })}
        </span>{' '}
        <span class="question-text">{q.text}</span>
      </legend>
      {q.kind === 'short_answer' ? (
        <div>
          <label for={name}>{t('exams.attempt.yourAnswer')}</label>
          <input id={name} name={name} type="text" maxlength={500} />
        </div>
      ) : (
        <ul class="choices">
          {(q.options ?? []).map((o) => (
            <li key={o.id}>
              <input
                type={q.kind === 'multiple' ? 'checkbox' : 'radio'}
                id={`${name}-${o.id}`}
                name={name}
                value={o.id}
              />{' '}
              <label for={`${name}-${o.id}`}>
                {q.kind === 'true_false' ? t(o.id === 'true' ? 'exams.answer.true' : 'exams.answer.false') : o.text}
              </label>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

async function renderPreview(
  c: Context<AppEnv>,
  examId: string,
  title: string,
  intro: string,
  questions: QuestionContent[],
  total: number,
) {
  const { t } = await i18nOf(c);
  return html(
    c,
    <Layout title={title} principal={principalOf(c)}>
      <Alert kind="success">{t('exams.preview.notice')}</Alert>
      <p>
        <a href={`/portal/exams/${examId}/questions`}>{t('exams.editor.backToQuestions')}</a>
      </p>
      <p>{intro}</p>
      {/* Not a form: nothing here can be sent. */}
      <div class="preview">
        {questions.map((content, i) => (
          <PreviewQuestion key={String(i)} q={publicView(content)} number={i + 1} total={total} t={t} />
        ))}
      </div>
    </Layout>,
  );
}

/** /portal/exams/:id/preview and /portal/exams/:id/questions/:questionId/preview */
export const examPreviewPages = (deps: ExamsDeps) =>
  new Hono<AppEnv>()
    .get('/:id/preview', requirePage('staffRead'), async (c) => {
      const exam = await getExam(deps, c.req.param('id'));
      const view = toExamView(exam);
      const bank = await activeQuestions(deps, exam);
      const { t, format } = await i18nOf(c);
      const intro = t('exams.preview.wholeIntro', {
        drawn: view.questionCount,
        bank: bank.length,
        minutes: format.number(view.timeLimitMinutes),
        shuffled: view.shuffleQuestions ? 'yes' : 'no',
      });
      return renderPreview(
        c,
        exam.id,
        t('exams.preview.title', { exam: exam.title }),
        intro,
        bank.map((row) => JSON.parse(row.content) as QuestionContent),
        bank.length,
      );
    })
    .get('/:id/questions/:questionId/preview', requirePage('staffRead'), async (c) => {
      const exam = await getExam(deps, c.req.param('id'));
      const row = await findQuestion(deps, exam.id, c.req.param('questionId'));
      const { t } = await i18nOf(c);
      return renderPreview(
        c,
        exam.id,
        t('exams.preview.title', { exam: exam.title }),
        t('exams.preview.oneIntro'),
        [JSON.parse(row.content) as QuestionContent],
        exam.question_count,
      );
    });
