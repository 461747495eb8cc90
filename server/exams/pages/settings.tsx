// An exam's settings page (and a new exam's): time limit, pass mark, attempts, cool-down, review, shuffling, the draw
// rule, certificate validity. A refused form comes back with what was typed and the message beside each wrong field.

import { type Context, Hono } from 'hono';
import { principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { ApiError, type FieldErrors, localiseFields } from '../../http/errors.ts';
import { i18nOf } from '../../i18n/request.ts';
import { redirectWithFlash } from '../../web/flash.ts';
import { CheckboxField, SelectField, TextAreaField } from '../../web/form-fields.tsx';
import { formValues } from '../../web/forms.ts';
import { Alert, Field, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import { createEmptyExam, getExam, toExamView, updateExam } from '../authoring.ts';
import type { ExamsDeps } from '../context.ts';
import {
  drawRuleRows,
  NEW_EXAM_VALUES,
  readSettingsForm,
  type SettingsFormValues,
  settingsFormValues,
  withDrawRuleRows,
} from '../settings-form.ts';

/**
 * "Add a rule" without script: the form comes back as typed, nothing saved; the rows filled in so far, then the
 * page's blank row (the new one). Rows left blank are dropped, so clicking twice does not stack empty rows.
 */
const withBlankRule = (typed: SettingsFormValues) =>
  withDrawRuleRows(
    typed,
    drawRuleRows(typed).filter((row) => row.tag !== '' || row.count !== ''),
  );

interface SettingsFormProps {
  action: string;
  values: SettingsFormValues;
  errors: FieldErrors;
  submit: string;
}

export function SettingsForm({ action, values, errors, submit, t }: SettingsFormProps & { t: I18nT }) {
  const number = (name: string, label: string, hint?: string, required = true) => (
    <Field
      name={name}
      label={label}
      type="number"
      value={values[name]}
      error={errors[name]}
      required={required}
      {...(hint && { hint })}
    />
  );
  return (
    <form method="post" action={action} class="card exam-settings" noValidate>
      {Object.keys(errors).length > 0 && <Alert kind="error">{t('exams.editor.fixFields')}</Alert>}
      <Field name="title" label={t('exams.settings.title')} value={values.title} error={errors.title} />
      <TextAreaField
        name="description"
        label={t('exams.settings.description')}
        value={values.description}
        error={errors.description}
      />
      <fieldset>
        <legend>{t('exams.settings.timing')}</legend>
        {number('timeLimitMinutes', t('exams.settings.timeLimit'), t('exams.settings.timeLimitHint'))}
        {number('attemptsAllowed', t('exams.settings.attempts'), t('exams.settings.attemptsHint'), false)}
        {number('cooldownMinutes', t('exams.settings.cooldown'), t('exams.settings.cooldownHint'))}
      </fieldset>
      <fieldset>
        <legend>{t('exams.settings.scoring')}</legend>
        {number('passMark', t('exams.settings.passMark'), t('exams.settings.passMarkHint'))}
        <SelectField
          name="reviewPolicy"
          label={t('exams.settings.reviewPolicy')}
          value={values.reviewPolicy}
          error={errors.reviewPolicy}
          options={(['score_only', 'score_and_answers', 'after_date'] as const).map((value) => ({
            value,
            label: t(`exams.settings.review.${value}`),
          }))}
        />
        <Field
          name="reviewAfter"
          label={t('exams.settings.reviewAfter')}
          type="datetime-local"
          value={values.reviewAfter}
          error={errors.reviewAfter}
          hint={t('exams.settings.reviewAfterHint')}
          required={false}
        />
        {number('validityMonths', t('exams.settings.validity'), t('exams.settings.validityHint'), false)}
      </fieldset>
      <fieldset>
        <legend>{t('exams.settings.drawing')}</legend>
        {number('questionCount', t('exams.settings.questionCount'), t('exams.drawRules.questionCountHint'))}
        <DrawRuleRows values={values} errors={errors} t={t} />
        <CheckboxField
          name="shuffleQuestions"
          label={t('exams.settings.shuffleQuestions')}
          value={values.shuffleQuestions}
          error={errors.shuffleQuestions}
        />
        <CheckboxField
          name="shuffleOptions"
          label={t('exams.settings.shuffleOptions')}
          value={values.shuffleOptions}
          error={errors.shuffleOptions}
        />
      </fieldset>
      <div class="form-actions">
        <button type="submit">{submit}</button>
        {/* After the main button, so Enter in any field still saves. */}
        <button type="submit" name="drawRuleAction" value="add" class="secondary">
          {t('exams.drawRules.addRow')}
        </button>
      </div>
    </form>
  );
}

type I18nT = Awaited<ReturnType<typeof i18nOf>>['t'];

/** The draw rules, a row each (tag, count, remove), and one blank row to add a rule; all plain form fields. */
function DrawRuleRows({ values, errors, t }: { values: SettingsFormValues; errors: FieldErrors; t: I18nT }) {
  const rows = [...drawRuleRows(values), { tag: '', count: '' }];
  return (
    <fieldset class="draw-rules" aria-describedby="draw-rules-hint">
      <legend>{t('exams.drawRules.legend')}</legend>
      <p class="hint" id="draw-rules-hint">
        {t('exams.drawRules.hint')}
      </p>
      {errors.drawRules && (
        <p class="field-error" id="drawRules-error">
          {errors.drawRules}
        </p>
      )}
      {rows.map((row, index) => {
        const name = `drawRules.${index}`;
        const last = index === rows.length - 1;
        return (
          <fieldset class="draw-rule" key={name}>
            <legend class="visually-hidden">{t('exams.drawRules.row', { n: index + 1 })}</legend>
            <Field
              name={`${name}.tag`}
              label={t('exams.drawRules.tag')}
              value={row.tag}
              error={errors[`${name}.tag`]}
              required={false}
            />
            <Field
              name={`${name}.count`}
              label={t('exams.drawRules.count')}
              type="number"
              value={row.count}
              error={errors[`${name}.count`]}
              required={false}
            />
            {!last && <CheckboxField name={`${name}.remove`} label={t('exams.drawRules.remove')} />}
          </fieldset>
        );
      })}
    </fieldset>
  );
}

async function renderSettings(
  c: Context<AppEnv>,
  page: { title: string; action: string; submit: string; back?: string; frozen?: boolean },
  values: SettingsFormValues,
  errors: FieldErrors = {},
) {
  const { t } = await i18nOf(c);
  const refused = Object.keys(errors).length > 0;
  const status = page.frozen && c.req.method === 'POST' ? 409 : refused ? 400 : 200;
  return html(
    c,
    <Layout title={page.title} principal={principalOf(c)}>
      {page.back && (
        <p>
          <a href={page.back}>{t('exams.editor.backToExam')}</a>
        </p>
      )}
      {page.frozen ? (
        <FrozenNotice t={t} action={`${page.back}/versions`} />
      ) : (
        <SettingsForm action={page.action} values={values} errors={errors} submit={page.submit} t={t} />
      )}
    </Layout>,
    status,
  );
}

/** A published version is read-only: the way to change it is its next version. */
export function FrozenNotice({ t, action }: { t: I18nT; action: string }) {
  return (
    <div class="card">
      <p>{t('exams.editor.frozen')}</p>
      <form method="post" action={action}>
        <button type="submit">{t('exams.editor.newVersion')}</button>
      </form>
    </div>
  );
}

/** /portal/new-exam and /portal/exams/:id/settings (a static /portal/exams/new beside /:id/... defeats RegExpRouter). */
export const examSettingsPages = (deps: ExamsDeps) =>
  new Hono<AppEnv>()
    .get('/new-exam', requirePage('admin'), async (c) => {
      const { t } = await i18nOf(c);
      return renderSettings(
        c,
        { title: t('exams.settings.newTitle'), action: '/portal/new-exam', submit: t('exams.settings.create') },
        NEW_EXAM_VALUES,
      );
    })
    .post('/new-exam', requirePage('admin'), async (c) => {
      const { t } = await i18nOf(c);
      const typed = await formValues(c);
      const page = {
        title: t('exams.settings.newTitle'),
        action: '/portal/new-exam',
        submit: t('exams.settings.create'),
      };
      if (typed.drawRuleAction === 'add') return renderSettings(c, page, withBlankRule(typed));
      const read = readSettingsForm(typed);
      const reader = await i18nOf(c);
      if (!read.ok) return renderSettings(c, page, read.values, localiseFields(read.errors, reader));
      try {
        const exam = await createEmptyExam(deps, read.settings);
        return redirectWithFlash(c, `/portal/exams/${exam.id}/questions`, {
          key: 'exams.forms.created',
          values: { exam: exam.title },
        });
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 400) throw error;
        return renderSettings(c, page, read.values, error.fieldsFor(reader) ?? {});
      }
    })
    .get('/exams/:id/settings', requirePage('admin'), async (c) => {
      const exam = toExamView(await getExam(deps, c.req.param('id')));
      const { t } = await i18nOf(c);
      return renderSettings(
        c,
        {
          title: t('exams.settings.pageTitle', { exam: exam.title, version: exam.version }),
          action: `/portal/exams/${exam.id}/settings`,
          submit: t('exams.settings.save'),
          back: `/portal/exams/${exam.id}`,
          frozen: exam.frozen,
        },
        settingsFormValues(exam),
      );
    })
    .post('/exams/:id/settings', requirePage('admin'), async (c) => {
      const exam = toExamView(await getExam(deps, c.req.param('id')));
      const reader = await i18nOf(c);
      const page = {
        title: reader.t('exams.settings.pageTitle', { exam: exam.title, version: exam.version }),
        action: `/portal/exams/${exam.id}/settings`,
        submit: reader.t('exams.settings.save'),
        back: `/portal/exams/${exam.id}`,
        frozen: exam.frozen,
      };
      if (exam.frozen) return renderSettings(c, page, {});
      const typed = await formValues(c);
      if (typed.drawRuleAction === 'add') return renderSettings(c, page, withBlankRule(typed));
      const read = readSettingsForm(typed);
      if (!read.ok) return renderSettings(c, page, read.values, localiseFields(read.errors, reader));
      try {
        await updateExam(deps, exam.id, read.settings);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status === 404) throw error;
        const fields = error.fieldsFor(reader) ?? { title: error.messageFor(reader) };
        return renderSettings(c, page, read.values, fields);
      }
      return redirectWithFlash(c, `/portal/exams/${exam.id}`, { key: 'exams.summary.saved' });
    });
