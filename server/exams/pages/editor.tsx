// The question editor: an exam's question list (add, edit, reorder, tag, delete; all plain forms that work without
// script), one question's form for each of the four kinds, a draft version of a published exam, a duplicate.

import { type Context, Hono } from 'hono';
import { principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { ApiError, type FieldErrors, localiseFields } from '../../http/errors.ts';
import type { I18n } from '../../i18n/messages.ts';
import { i18nOf } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { redirectWithFlash } from '../../web/flash.ts';
import { CheckboxField, SelectField, TextAreaField } from '../../web/form-fields.tsx';
import { formValues } from '../../web/forms.ts';
import { Alert, Field, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import {
  addQuestion,
  type ExamView,
  findQuestion,
  fromInput,
  getExam,
  listQuestions,
  toExamView,
  updateQuestion,
} from '../authoring.ts';
import type { ExamsDeps } from '../context.ts';
import { draftVersion, duplicateExam, moveQuestion } from '../drafts.ts';
import {
  filledOptionRows,
  isQuestionKind,
  optionRows,
  QUESTION_KINDS,
  type QuestionFormValues,
  type QuestionKind,
  questionFormValues,
  readQuestionForm,
} from '../question-form.ts';
import type { QuestionContent } from '../questions.ts';
import { deleteQuestionForm } from './question-delete.tsx';
import { FrozenNotice } from './settings.tsx';

type T = I18n['t'];

function ChoiceRows({
  kind,
  values,
  errors,
  t,
}: {
  kind: 'single' | 'multiple';
  values: QuestionFormValues;
  errors: FieldErrors;
  t: T;
}) {
  const rows = optionRows(filledOptionRows(values));
  return (
    <fieldset
      class="option-rows"
      aria-invalid={errors.options ? 'true' : undefined}
      aria-describedby={errors.options ? 'options-error' : 'options-hint'}
    >
      <legend>{t('exams.editor.options')}</legend>
      <p class="hint" id="options-hint">
        {t(kind === 'single' ? 'exams.editor.optionsHintSingle' : 'exams.editor.optionsHintMultiple')}
      </p>
      {errors.options && (
        <p class="field-error" id="options-error">
          {errors.options}
        </p>
      )}
      {Array.from({ length: rows }, (_, row) => {
        const name = `option-${row}`;
        const correctId = `correct-${row}`;
        return (
          <div class="option-row" key={name}>
            <label for={name}>{t('exams.editor.option', { number: row + 1 })}</label>
            <input
              id={name}
              name={name}
              type="text"
              value={values[name] ?? ''}
              maxlength={500}
              aria-invalid={errors[name] ? 'true' : undefined}
              aria-describedby={errors[name] ? `${name}-error` : undefined}
            />
            <span class="option-correct">
              {kind === 'single' ? (
                <input
                  type="radio"
                  id={correctId}
                  name="correct"
                  value={String(row)}
                  checked={values.correct === String(row)}
                />
              ) : (
                <input type="checkbox" id={correctId} name={correctId} checked={values[correctId] === 'on'} />
              )}
              <label for={correctId}>{t('exams.editor.correct')}</label>
            </span>
            {errors[name] && (
              <p class="field-error" id={`${name}-error`}>
                {errors[name]}
              </p>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

function QuestionForm({
  kind,
  action,
  values,
  errors,
  t,
}: {
  kind: QuestionKind;
  action: string;
  values: QuestionFormValues;
  errors: FieldErrors;
  t: T;
}) {
  return (
    <form method="post" action={action} class="card question-editor" noValidate>
      {Object.keys(errors).length > 0 && <Alert kind="error">{t('exams.editor.fixFields')}</Alert>}
      <p class="hint">{t('exams.editor.kindIs', { kind: t(`exams.kind.${kind}`) })}</p>
      <TextAreaField name="text" label={t('exams.editor.text')} value={values.text} error={errors.text} required />
      {(kind === 'single' || kind === 'multiple') && <ChoiceRows kind={kind} values={values} errors={errors} t={t} />}
      {kind === 'multiple' && (
        <SelectField
          name="scoring"
          label={t('exams.editor.scoring')}
          value={values.scoring}
          error={errors.scoring}
          options={[
            { value: 'all_or_nothing', label: t('exams.editor.scoring.all_or_nothing') },
            { value: 'partial', label: t('exams.editor.scoring.partial') },
          ]}
        />
      )}
      {kind === 'true_false' && (
        <fieldset
          aria-invalid={errors.answer ? 'true' : undefined}
          aria-describedby={errors.answer ? 'answer-error' : undefined}
        >
          <legend>{t('exams.editor.rightAnswer')}</legend>
          {(['true', 'false'] as const).map((value) => (
            <div class="check" key={value}>
              <input
                type="radio"
                id={`answer-${value}`}
                name="answer"
                value={value}
                checked={values.answer === value}
              />
              <label for={`answer-${value}`}>{t(`exams.answer.${value}`)}</label>
            </div>
          ))}
          {errors.answer && (
            <p class="field-error" id="answer-error">
              {errors.answer}
            </p>
          )}
        </fieldset>
      )}
      {kind === 'short_answer' && (
        <>
          <TextAreaField
            name="accepted"
            label={t('exams.editor.accepted')}
            value={values.accepted}
            error={errors.accepted}
            hint={t('exams.editor.acceptedHint')}
            required
          />
          <SelectField
            name="match"
            label={t('exams.editor.match')}
            value={values.match}
            error={errors.match}
            options={[
              { value: 'exact', label: t('exams.editor.match.exact') },
              { value: 'pattern', label: t('exams.editor.match.pattern') },
            ]}
          />
          <CheckboxField
            name="caseSensitive"
            label={t('exams.editor.caseSensitive')}
            value={values.caseSensitive}
            error={errors.caseSensitive}
          />
        </>
      )}
      <Field
        name="tags"
        label={t('exams.editor.tags')}
        value={values.tags}
        error={errors.tags}
        hint={t('exams.editor.tagsHint')}
        required={false}
      />
      <button type="submit">{t('exams.editor.saveQuestion')}</button>
    </form>
  );
}

async function renderQuestionForm(
  c: Context<AppEnv>,
  exam: ExamView,
  kind: QuestionKind,
  action: string,
  values: QuestionFormValues,
  errors: FieldErrors = {},
) {
  const { t } = await i18nOf(c);
  return html(
    c,
    <Layout title={t('exams.editor.questionTitle', { exam: exam.title })} principal={principalOf(c)}>
      <p>
        <a href={`/portal/exams/${exam.id}/questions`}>{t('exams.editor.backToQuestions')}</a>
      </p>
      {exam.frozen ? (
        <FrozenNotice t={t} action={`/portal/exams/${exam.id}/versions`} />
      ) : (
        <QuestionForm kind={kind} action={action} values={values} errors={errors} t={t} />
      )}
    </Layout>,
    Object.keys(errors).length > 0 ? 400 : 200,
  );
}

const kindOf = (content: QuestionContent): QuestionKind => content.kind;

async function saveQuestionForm(
  c: Context<AppEnv>,
  exam: ExamView,
  kind: QuestionKind,
  action: string,
  save: (question: ReturnType<typeof fromInput>) => Promise<{ id: string }>,
) {
  const reader = await i18nOf(c);
  const read = readQuestionForm(kind, await formValues(c));
  if (!read.ok) return renderQuestionForm(c, exam, kind, action, read.values, localiseFields(read.errors, reader));
  try {
    const row = await save(fromInput(read.question));
    return redirectWithFlash(c, `/portal/exams/${exam.id}/questions#question-${row.id}`, {
      key: 'exams.forms.questionSaved',
    });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status === 404) throw error;
    const fields = error.fieldsFor(reader) ?? { text: error.messageFor(reader) };
    return renderQuestionForm(c, exam, kind, action, await formValues(c), fields);
  }
}

/** The question list: each row's actions are small forms, so reordering and deleting work without script. */
async function renderQuestionList(deps: ExamsDeps, c: Context<AppEnv>, examId: string) {
  const principal = principalOf(c);
  const exam = toExamView(await getExam(deps, examId));
  const questions = await listQuestions(deps, exam.id);
  const admin = principal.account.role === 'admin';
  const editable = admin && !exam.frozen;
  const { t } = await i18nOf(c);
  const base = `/portal/exams/${exam.id}`;
  return html(
    c,
    <Layout title={t('exams.editor.listTitle', { exam: exam.title, version: exam.version })} principal={principal}>
      <p>
        <a href={base}>{t('exams.editor.backToExam')}</a> · <a href={`${base}/preview`}>{t('exams.preview.whole')}</a>
      </p>
      {admin && exam.frozen && <FrozenNotice t={t} action={`${base}/versions`} />}
      {editable && (
        <nav class="card add-question" aria-labelledby="add-heading">
          <h2 id="add-heading">{t('exams.editor.add')}</h2>
          <ul class="inline-actions">
            {QUESTION_KINDS.map((kind) => (
              <li key={kind}>
                <a class="button secondary" href={`${base}/new-question?kind=${kind}`}>
                  {t(`exams.editor.add.${kind}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <DataTable
        caption={t('exams.report.bank', { count: questions.length })}
        rows={questions.map((q, i) => ({ q, i }))}
        empty={t('exams.editor.none')}
        columns={[
          { header: '#', numeric: true, cell: ({ i }) => i + 1 },
          {
            header: t('exams.result.question'),
            cell: ({ q }) => {
              const content = JSON.parse(q.content) as QuestionContent;
              const tags = JSON.parse(q.tags) as string[];
              return (
                <div id={`question-${q.id}`}>
                  {content.text}
                  <br />
                  <span class="hint">
                    {t(`exams.kind.${content.kind}`)}
                    {tags.length > 0 && ` · ${t('exams.editor.tagged', { tags: tags.join(', ') })}`}
                  </span>
                </div>
              );
            },
          },
          {
            header: t('exams.admin.change'),
            cell: ({ q, i }) => (
              <div class="row-actions">
                <a href={`${base}/questions/${q.id}/preview`}>{t('exams.preview.one')}</a>
                {editable && (
                  <>
                    <a href={`${base}/questions/${q.id}`}>{t('exams.editor.edit')}</a>
                    <form method="post" action={`${base}/questions/${q.id}/move`}>
                      <input type="hidden" name="direction" value="up" />
                      <button
                        type="submit"
                        class="secondary"
                        disabled={i === 0}
                        aria-label={t('exams.editor.moveUpLabel', { number: i + 1 })}
                      >
                        {t('exams.editor.moveUp')}
                      </button>
                    </form>
                    <form method="post" action={`${base}/questions/${q.id}/move`}>
                      <input type="hidden" name="direction" value="down" />
                      <button
                        type="submit"
                        class="secondary"
                        disabled={i === questions.length - 1}
                        aria-label={t('exams.editor.moveDownLabel', { number: i + 1 })}
                      >
                        {t('exams.editor.moveDown')}
                      </button>
                    </form>
                    <form method="post" action={`${base}/questions/${q.id}/delete`}>
                      <button
                        type="submit"
                        class="danger"
                        aria-label={t('exams.editor.deleteLabel', { number: i + 1 })}
                      >
                        {t('exams.editor.delete')}
                      </button>
                    </form>
                  </>
                )}
              </div>
            ),
          },
        ]}
      />
    </Layout>,
  );
}

/** A draft's change refused because the exam was published meanwhile: back to the list, which says what to do. */
async function draftOnly(c: Context<AppEnv>, examId: string, action: () => Promise<unknown>) {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof ApiError) || error.status === 404) throw error;
  }
  return c.redirect(`/portal/exams/${examId}/questions`, 303);
}

/** /portal/exams/:id/questions..., /versions, /duplicate */
export const examEditorPages = (deps: ExamsDeps) =>
  new Hono<AppEnv>()
    .get('/:id/questions', requirePage('staffRead'), (c) => renderQuestionList(deps, c, c.req.param('id')))
    .get('/:id/new-question', requirePage('admin'), async (c) => {
      const exam = toExamView(await getExam(deps, c.req.param('id')));
      const kind = c.req.query('kind');
      if (!isQuestionKind(kind)) return c.redirect(`/portal/exams/${exam.id}/questions`, 303);
      const values: QuestionFormValues = kind === 'multiple' ? { scoring: 'partial' } : {};
      return renderQuestionForm(c, exam, kind, `/portal/exams/${exam.id}/new-question?kind=${kind}`, values);
    })
    .post('/:id/new-question', requirePage('admin'), async (c) => {
      const exam = toExamView(await getExam(deps, c.req.param('id')));
      const kind = c.req.query('kind');
      if (!isQuestionKind(kind)) return c.redirect(`/portal/exams/${exam.id}/questions`, 303);
      return saveQuestionForm(c, exam, kind, `/portal/exams/${exam.id}/new-question?kind=${kind}`, (q) =>
        addQuestion(deps, exam.id, q),
      );
    })
    .get('/:id/questions/:questionId', requirePage('admin'), async (c) => {
      const exam = toExamView(await getExam(deps, c.req.param('id')));
      const row = await findQuestion(deps, exam.id, c.req.param('questionId'));
      const content = JSON.parse(row.content) as QuestionContent;
      const values = questionFormValues(content, JSON.parse(row.tags) as string[]);
      return renderQuestionForm(c, exam, kindOf(content), `/portal/exams/${exam.id}/questions/${row.id}`, values);
    })
    .post('/:id/questions/:questionId', requirePage('admin'), async (c) => {
      const exam = toExamView(await getExam(deps, c.req.param('id')));
      const row = await findQuestion(deps, exam.id, c.req.param('questionId'));
      const kind = kindOf(JSON.parse(row.content) as QuestionContent);
      return saveQuestionForm(c, exam, kind, `/portal/exams/${exam.id}/questions/${row.id}`, (q) =>
        updateQuestion(deps, exam.id, row.id, q),
      );
    })
    .post('/:id/questions/:questionId/move', requirePage('admin'), async (c) => {
      const direction = (await formValues(c)).direction === 'up' ? 'up' : 'down';
      const { id, questionId } = c.req.param();
      return draftOnly(c, id, () => moveQuestion(deps, id, questionId, direction));
    })
    .post('/:id/questions/:questionId/delete', requirePage('admin'), (c) => deleteQuestionForm(deps, c))
    .post('/:id/versions', requirePage('admin'), async (c) => {
      const draft = await draftVersion(deps, c.req.param('id'));
      return redirectWithFlash(c, `/portal/exams/${draft.id}/questions`, {
        key: 'exams.forms.draftOpened',
        values: { version: draft.version },
      });
    })
    .post('/:id/duplicate', requirePage('admin'), async (c) => {
      const exam = await getExam(deps, c.req.param('id'));
      const { t } = await i18nOf(c);
      const copy = await duplicateExam(deps, exam.id, t('exams.editor.copyTitle', { title: exam.title }).slice(0, 200));
      return redirectWithFlash(c, `/portal/exams/${copy.id}/settings`, {
        key: 'exams.forms.duplicated',
        values: { exam: copy.title },
      });
    });
