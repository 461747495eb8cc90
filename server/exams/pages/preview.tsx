// Preview: one question or the whole exam as a candidate sees it (the attempt page itself), answer keys left out.
// Reading only: no attempt, no answers saved, nothing the licence counts.

import { type Context, Hono } from 'hono';
import { principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { i18nOf } from '../../i18n/request.ts';
import { html, requirePage } from '../../web/page-helpers.tsx';
import { findQuestion, getExam, listQuestions, toExamView } from '../authoring.ts';
import type { ExamsDeps } from '../context.ts';
import { publicView, type QuestionContent } from '../questions.ts';
import type { Exam } from '../tables.ts';
import { AttemptPage, previewQuestions } from './attempt-page.tsx';

/** The candidate's own attempt page in its preview mode: no attempt, no form, no script, a banner. */
async function renderPreview(
  c: Context<AppEnv>,
  exam: Exam,
  intro: string,
  questions: QuestionContent[],
  total: number,
) {
  const { t } = await i18nOf(c);
  const view = {
    id: exam.id,
    examTitle: t('exams.preview.title', { exam: exam.title }),
    questions: previewQuestions(questions.map(publicView)),
    deadlineAt: '',
    secondsLeft: exam.time_limit_minutes * 60,
  };
  const preview = { timeLimitMinutes: exam.time_limit_minutes, intro, back: `/portal/exams/${exam.id}/questions` };
  return html(c, <AttemptPage principal={principalOf(c)} view={view} saved={false} preview={preview} total={total} />);
}

/** /portal/exams/:id/preview and /portal/exams/:id/questions/:questionId/preview */
export const examPreviewPages = (deps: ExamsDeps) =>
  new Hono<AppEnv>()
    .get('/:id/preview', requirePage('staffRead'), async (c) => {
      const exam = await getExam(deps, c.req.param('id'));
      const view = toExamView(exam);
      const bank = await listQuestions(deps, exam.id);
      const { t, format } = await i18nOf(c);
      const intro = t('exams.preview.wholeIntro', {
        drawn: view.questionCount,
        bank: bank.length,
        minutes: format.number(view.timeLimitMinutes),
        shuffled: view.shuffleQuestions ? 'yes' : 'no',
      });
      return renderPreview(
        c,
        exam,
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
        exam,
        t('exams.preview.oneIntro'),
        [JSON.parse(row.content) as QuestionContent],
        exam.question_count,
      );
    });
