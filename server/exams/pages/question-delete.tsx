// Deleting a question from a draft: a second step that names the question and says what the bank keeps, then the
// question list with a flash saying what was deleted.
import type { Context } from 'hono';
import { principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { ApiError } from '../../http/errors.ts';
import { i18nOf } from '../../i18n/request.ts';
import { Confirmation, isConfirmed } from '../../web/confirmation.tsx';
import { redirectWithFlash } from '../../web/flash.ts';
import { formValues } from '../../web/forms.ts';
import { html } from '../../web/page-helpers.tsx';
import { archiveQuestion, findQuestion, getExam, listQuestions } from '../authoring.ts';
import type { ExamsDeps } from '../context.ts';
import type { QuestionContent } from '../questions.ts';

/** A question's text short enough for a flash cookie and a sentence. */
const shortText = (text: string) => (text.length > 80 ? `${text.slice(0, 79)}…` : text);

/** POST /portal/exams/:id/questions/:questionId/delete: asks first, deletes when the same form comes back confirmed. */
export async function deleteQuestionForm(deps: ExamsDeps, c: Context<AppEnv>) {
  const examId = c.req.param('id') ?? '';
  const questionId = c.req.param('questionId') ?? '';
  const list = `/portal/exams/${examId}/questions`;
  const row = await findQuestion(deps, examId, questionId);
  const text = shortText((JSON.parse(row.content) as QuestionContent).text);
  if (!isConfirmed(await formValues(c))) {
    const exam = await getExam(deps, examId);
    const bank = await listQuestions(deps, examId);
    const number = bank.findIndex((q) => q.id === row.id) + 1;
    const { t } = await i18nOf(c);
    return html(
      c,
      <Confirmation
        principal={principalOf(c)}
        title={t('exams.forms.deleteTitle', { number })}
        consequences={[
          t('exams.forms.deleteQuestion', { number, text }),
          t('exams.forms.deleteBank', { left: bank.length - 1, drawn: exam.question_count }),
          t('exams.forms.deleteAttempts'),
        ]}
        action={`${list}/${row.id}/delete`}
        confirmLabel={t('exams.forms.deleteConfirm')}
        back={`${list}#question-${row.id}`}
      />,
    );
  }
  try {
    await archiveQuestion(deps, examId, row.id);
  } catch (error) {
    // Published meanwhile: the list says the version is frozen and how to make the next one.
    if (!(error instanceof ApiError) || error.status === 404) throw error;
    return c.redirect(list, 303);
  }
  return redirectWithFlash(c, list, { key: 'exams.forms.questionDeleted', values: { text } });
}
