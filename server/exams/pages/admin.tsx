// The staff's exam pages: the list, importing a JSON document, publishing, one exam with its report, extra time.

import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { principalOf } from '../../http/auth.ts';
import { largeBody } from '../../http/body-limit.ts';
import type { AppEnv } from '../../http/env.ts';
import { ApiError, notFound, validationFailed } from '../../http/errors.ts';
import { type I18n, isMessageKey } from '../../i18n/messages.ts';
import { i18nOf } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { redirectWithFlash } from '../../web/flash.ts';
import { checked, type FailedStatus, formFailure, formValues, keptForm, submitForm } from '../../web/forms.ts';
import { Alert, Field, Form, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import { reviewAttempt } from '../attempt-review.ts';
import { grantExtraTime } from '../attempts.ts';
import {
  EXAM_DOCUMENT_LIMIT_BYTES,
  getExam,
  importExam,
  importModes,
  listExams,
  listQuestions,
  parseExamDocument,
  setAccommodation,
  setPublished,
  toExamView,
  toQuestionView,
} from '../authoring.ts';
import type { ExamsDeps } from '../context.ts';
import { examReport } from '../reports.ts';
import { accessCard } from './access.tsx';
import { AttemptReviewPage } from './attempt-review.tsx';
import { ExamSummary } from './exam-summary.tsx';
import { attemptOutcomeKey, ExamReportSection } from './report.tsx';

const SAMPLE_IMPORT = `{
  "format": "seatkeeper-exam/1",
  "exam": { "title": "…", "timeLimitMinutes": 30, "passMark": 70, "questionCount": 1 },
  "questions": [ { "kind": "true_false", "text": "…", "answer": true } ]
}`;

/** Why an import was refused, shown above the import form that keeps the document. */
interface RefusedImport {
  document: string;
  message: string;
  /** Each problem by its path in the document, e.g. `questions[12].options`. */
  problems?: [path: string, problem: string][];
  /** The title is an exam's already: the form asks whether to make a new exam or a new version. */
  titleTaken?: boolean;
}

/** The list of exams, with the import form (and, after a refused import, the document and why). */
async function renderExamList(
  deps: ExamsDeps,
  c: Context<AppEnv>,
  refused?: RefusedImport,
  publishing?: { message: string; status: FailedStatus },
) {
  const principal = principalOf(c);
  const exams = await listExams(deps);
  const admin = principal.account.role === 'admin';
  const { t } = await i18nOf(c);
  return html(
    c,
    <Layout title={t('exams.admin.title')} principal={principal}>
      {publishing && <Alert kind="error">{publishing.message}</Alert>}
      {admin && (
        <p>
          <a class="button" href="/portal/new-exam">
            {t('exams.editor.newExam')}
          </a>
        </p>
      )}
      <DataTable
        caption={t('exams.admin.title')}
        captionHidden
        rows={exams}
        columns={[
          {
            header: t('exams.history.exam'),
            cell: (e) => (
              <>
                <a href={`/portal/exams/${e.id}`}>{e.title}</a>{' '}
                <span class="hint">{t('exams.editor.versionNumber', { version: e.version })}</span>
              </>
            ),
          },
          { header: t('exams.admin.questionsDrawn'), numeric: true, cell: (e) => e.question_count },
          {
            header: t('exams.admin.timeLimit'),
            cell: (e) => t('exams.admin.minutes', { minutes: e.time_limit_minutes }),
          },
          {
            header: t('exams.history.status'),
            cell: (e) => (e.published ? t('exams.admin.published') : t('exams.admin.draft')),
          },
          {
            header: t('exams.admin.change'),
            cell: (e) => (
              <>
                <form method="post" action={`/portal/exams/${e.id}/${e.published ? 'unpublish' : 'publish'}`}>
                  <button type="submit" class="secondary">
                    {e.published ? t('exams.admin.unpublish') : t('exams.admin.publish')}
                  </button>
                </form>
              </>
            ),
          },
        ]}
      />
      {admin && (
        // multipart: the document travels as typed (urlencoding would triple a large one past the route's limit).
        <form method="post" action="/portal/exam-imports" class="card" enctype="multipart/form-data" id="import">
          <h2>{t('exams.admin.import')}</h2>
          {refused && (
            <div class="alert error" role="alert" id="document-error">
              <p>{refused.message}</p>
              {refused.problems && refused.problems.length > 0 && (
                <ul>
                  {refused.problems.slice(0, 20).map(([path, problem]) => (
                    <li key={path}>
                      <code>{path}</code>: {problem}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
          <label for="document">{t('exams.admin.document')}</label>
          <textarea
            id="document"
            name="document"
            rows={12}
            required
            placeholder={SAMPLE_IMPORT}
            aria-invalid={refused ? 'true' : undefined}
            aria-describedby={refused ? 'document-error' : undefined}
          >
            {refused?.document ?? ''}
          </textarea>
          {refused?.titleTaken ? (
            <div class="inline-actions">
              <button type="submit" name="mode" value="new_version">
                {t('exams.import.asVersion')}
              </button>{' '}
              <button type="submit" name="mode" value="new_exam" class="secondary">
                {t('exams.import.asExam')}
              </button>
            </div>
          ) : (
            <button type="submit">{t('exams.admin.importSubmit')}</button>
          )}
        </form>
      )}
    </Layout>,
    publishing?.status ?? (refused ? 400 : 200),
  );
}

const minutesBetween = (min: number, message: 'exams.forms.extraMinutes' | 'exams.forms.accommodationMinutes') =>
  z.coerce.number(message).int(message).min(min, message).max(1440, message);
const extraTimeForm = z.object({ minutes: minutesBetween(1, 'exams.forms.extraMinutes') });
const accommodationForm = z.object({
  email: z.email('fields.email').transform((email) => email.toLowerCase()),
  minutes: minutesBetween(0, 'exams.forms.accommodationMinutes'),
});

/** An attempt at this exam (another exam's attempt id in the address is "not found"). */
async function attemptOf(deps: ExamsDeps, examId: string, attemptId: string) {
  const attempt = await deps.db
    .selectFrom('exam_attempts')
    .select('id')
    .where('id', '=', attemptId)
    .where('exam_id', '=', examId)
    .executeTakeFirst();
  if (!attempt) throw notFound('errors.not_found.attempt');
  return attempt;
}

const nameOf = async (deps: ExamsDeps, accountId: string) =>
  (await deps.db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirstOrThrow()).name;

/** /portal/exams: admin authoring basics (import, publish) and reports. */
export const examAdminPages = (deps: ExamsDeps) =>
  new Hono<AppEnv>()
    .get('/', requirePage('staffRead'), (c) => renderExamList(deps, c))
    .post('/:id/publish', requirePage('admin'), (c) => changePublished(deps, c, true))
    .post('/:id/unpublish', requirePage('admin'), (c) => changePublished(deps, c, false))
    .post('/:id/attempts/:attemptId/extra-time', requirePage('admin'), async (c) => {
      const { id, attemptId } = c.req.param();
      const values = await formValues(c);
      const { format } = await i18nOf(c);
      await attemptOf(deps, id, attemptId);
      const outcome = await submitForm(c, `extra-${attemptId}`, values, async () => {
        const { minutes } = checked(extraTimeForm, values);
        return { minutes, attempt: await grantExtraTime(deps, attemptId, minutes) };
      });
      if (!outcome.ok) return renderExamPage(deps, c, outcome.status);
      const { minutes, attempt } = outcome.result;
      const candidate = await nameOf(deps, attempt.account_id);
      return redirectWithFlash(c, `/portal/exams/${id}#attempts`, {
        key: 'exams.forms.extraTimeAdded',
        values: { minutes, name: candidate, at: format.dateTime(attempt.deadline_at) },
      });
    })
    .post('/:id/accommodations', requirePage('admin'), async (c) => {
      const examId = c.req.param('id');
      const values = await formValues(c);
      const outcome = await submitForm(c, 'accommodation', values, async () => {
        const { email, minutes } = checked(accommodationForm, values);
        const account = await deps.db.selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirst();
        if (!account) throw validationFailed({ email: 'exams.forms.noAccount' });
        await setAccommodation(deps, examId, account.id, minutes);
        return { email, minutes };
      });
      if (!outcome.ok) return renderExamPage(deps, c, outcome.status);
      return redirectWithFlash(c, `/portal/exams/${examId}#attempts`, {
        key: 'exams.forms.accommodationSaved',
        values: outcome.result,
      });
    })
    .get('/:id/attempts/:attemptId', requirePage('staffRead'), async (c) => {
      const principal = principalOf(c);
      const review = await reviewAttempt(deps, principal.account, c.req.param('id'), c.req.param('attemptId'));
      return html(c, <AttemptReviewPage principal={principal} review={review} />);
    })
    .get('/:id', requirePage('staffRead'), (c) => renderExamPage(deps, c));

/** One exam: settings, who may sit it, the report, attempts (with extra time), accommodations and the bank. */
async function renderExamPage(deps: ExamsDeps, c: Context<AppEnv>, status: FailedStatus | 200 = 200) {
  const principal = principalOf(c);
  const exam = await getExam(deps, c.req.param('id') ?? '');
  const report = await examReport(deps, exam.id);
  const questions = (await listQuestions(deps, exam.id)).map(toQuestionView);
  const admin = principal.account.role === 'admin';
  const { t, format } = await i18nOf(c);
  const access = await accessCard(deps, exam);
  const percentOf = (value: number | null) => (value === null ? '—' : format.percent(value / 100));
  // Extra time refused because the attempt closed meanwhile: its form is gone, so the message stands above the table.
  const kept = keptForm(c);
  const closedMeanwhile =
    kept?.form.startsWith('extra-') &&
    !report.rows.some((r) => r.status === 'in_progress' && `extra-${r.attemptId}` === kept.form)
      ? kept.message
      : undefined;
  return html(
    c,
    <Layout title={exam.title} principal={principal}>
      <ExamSummary exam={toExamView(exam)} admin={admin} />
      {access}
      <ExamReportSection examId={exam.id} report={report} />
      <section class="card" aria-labelledby="attempts">
        <h2 id="attempts">{t('exams.history.attempts')}</h2>
        {closedMeanwhile && <Alert kind="error">{closedMeanwhile}</Alert>}
        <DataTable
          caption={t('exams.history.attempts')}
          captionHidden
          rows={report.rows}
          columns={[
            {
              header: t('exams.report.candidate'),
              cell: (r) => (
                <>
                  <a href={`/portal/exams/${exam.id}/attempts/${r.attemptId}`}>{r.name}</a> ({r.email})
                </>
              ),
            },
            {
              header: t('exams.history.started'),
              cell: (r) => <time datetime={r.startedAt}>{format.dateTime(r.startedAt)}</time>,
            },
            { header: t('exams.history.status'), cell: (r) => t(attemptOutcomeKey(r.status, r.passed)) },
            { header: t('exams.history.score'), numeric: true, cell: (r) => percentOf(r.scorePercent) },
            {
              header: t('exams.report.extraTime'),
              cell: (r) => (
                <>
                  {admin && r.status === 'in_progress' && (
                    <Form
                      id={`extra-${r.attemptId}`}
                      action={`/portal/exams/${exam.id}/attempts/${r.attemptId}/extra-time`}
                    >
                      <Field
                        name="minutes"
                        id={`extra-${r.attemptId}`}
                        label={t('exams.report.minutes')}
                        type="number"
                        min={1}
                        max={1440}
                      />
                      <button type="submit" class="secondary">
                        {t('exams.report.addTime')}
                      </button>
                    </Form>
                  )}
                </>
              ),
            },
          ]}
        />
        {admin && (
          <Form id="accommodation" action={`/portal/exams/${exam.id}/accommodations`}>
            <h3>{t('exams.report.accommodation')}</h3>
            <Field
              name="email"
              id="accommodation-email"
              label={t('exams.report.candidateEmail')}
              type="email"
              autocomplete="off"
            />
            <Field
              name="minutes"
              id="accommodation-minutes"
              label={t('exams.report.extraMinutes')}
              type="number"
              min={0}
              max={1440}
            />
            <button type="submit" class="secondary">
              {t('exams.report.saveAccommodation')}
            </button>
          </Form>
        )}
      </section>
      <section class="card" aria-labelledby="bank">
        <h2 id="bank">{t('exams.report.bank', { count: questions.length })}</h2>
        <ol>
          {questions.map((q) => (
            <li key={q.id}>
              {q.question.text}{' '}
              <span class="hint">
                {t('exams.report.questionKind', { kind: kindText(t, q.question.kind), version: q.version })}
              </span>
            </li>
          ))}
        </ol>
      </section>
    </Layout>,
    status,
  );
}

const kindText = (t: I18n['t'], kind: string) => {
  const key = `exams.kind.${kind}`;
  return isMessageKey(key) ? t(key) : kind;
};

async function changePublished(deps: ExamsDeps, c: Context<AppEnv>, published: boolean) {
  try {
    const exam = await setPublished(deps, c.req.param('id') ?? '', published);
    return redirectWithFlash(c, '/portal/exams', {
      key: published ? 'exams.forms.published' : 'exams.forms.unpublished',
      values: { exam: exam.title },
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw error;
    // Refused (the licence term, too few questions): the list again, saying why.
    const failure = await formFailure(c, error);
    return renderExamList(deps, c, undefined, { message: failure.message, status: failure.status });
  }
}

/** Line and column of a JSON syntax error, when the parser says where (V8 gives "at position N" for most errors). */
function syntaxErrorPlace(document: string, error: unknown): { line: number; column: number } | null {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  if (position === undefined) return null;
  const before = document.slice(0, Number(position)).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** /portal/exam-imports: a `seatkeeper-exam/1` document pasted into the exam list's form. */
export const examImportPages = (deps: ExamsDeps) =>
  new Hono<AppEnv>().post('/', requirePage('admin'), largeBody(EXAM_DOCUMENT_LIMIT_BYTES), async (c) => {
    const body = await c.req.parseBody();
    const document = String(body.document ?? '');
    let raw: unknown;
    try {
      raw = JSON.parse(document);
    } catch (error) {
      const { t } = await i18nOf(c);
      const at = syntaxErrorPlace(document, error);
      const text = at ? t('exams.import.notJsonAt', at) : t('exams.admin.notJson');
      return renderExamList(deps, c, { document, message: text });
    }
    const mode = importModes.find((m) => m === body.mode);
    try {
      const exam = await importExam(deps, parseExamDocument(raw), mode);
      return redirectWithFlash(c, `/portal/exams/${exam.id}`, {
        key: 'exams.forms.imported',
        values: { exam: exam.title, version: exam.version },
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // Shown on the page with the document kept, so the author can fix it where the message points.
      const reader = await i18nOf(c);
      return renderExamList(deps, c, {
        document,
        message: error.messageFor(reader),
        problems: Object.entries(error.fieldsFor(reader) ?? {}),
        titleTaken: error.code === 'exam_title_exists',
      });
    }
  });
