// The staff's exam pages: the list, importing a JSON document, publishing, one exam with its report, extra time.

import { type Context, Hono } from 'hono';
import { principalOf } from '../../http/auth.ts';
import { largeBody } from '../../http/body-limit.ts';
import type { AppEnv } from '../../http/env.ts';
import { ApiError } from '../../http/errors.ts';
import { type I18n, isMessageKey, type MessageKey } from '../../i18n/messages.ts';
import { i18nOf } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { Alert, Layout } from '../../web/layout.tsx';
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
async function renderExamList(deps: ExamsDeps, c: Context<AppEnv>, refused?: RefusedImport) {
  const principal = principalOf(c);
  const exams = await listExams(deps);
  const admin = principal.account.role === 'admin';
  const notice = noticeKey(c.req.query('error'));
  const { t } = await i18nOf(c);
  return html(
    c,
    <Layout title={t('exams.admin.title')} principal={principal}>
      {notice && <Alert kind="error">{t(notice)}</Alert>}
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
    refused ? 400 : 200,
  );
}

/** What a redirect's `?error=` code means; codes no page sends show nothing (the address never carries text). */
function noticeKey(code: string | undefined): MessageKey | null {
  if (!code) return null;
  const key = `exams.notice.${code}`;
  return isMessageKey(key) ? key : null;
}

/** Back to a page with the code of what went wrong. */
const refusedTo = (c: Context<AppEnv>, back: string, code: string) =>
  c.redirect(`${back}?error=${encodeURIComponent(code)}`, 303);

/** /portal/exams: admin authoring basics (import, publish) and reports. */
export const examAdminPages = (deps: ExamsDeps) =>
  new Hono<AppEnv>()
    .get('/', requirePage('staffRead'), (c) => renderExamList(deps, c))
    .post('/:id/publish', requirePage('admin'), (c) => changePublished(deps, c, true))
    .post('/:id/unpublish', requirePage('admin'), (c) => changePublished(deps, c, false))
    .post('/:id/attempts/:attemptId/extra-time', requirePage('admin'), async (c) => {
      const minutes = Number((await c.req.parseBody()).minutes);
      const back = `/portal/exams/${c.req.param('id')}`;
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) return refusedTo(c, back, 'extra_minutes');
      try {
        await grantExtraTime(deps, c.req.param('attemptId'), minutes);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status === 404) throw error;
        return refusedTo(c, back, error.code);
      }
      return c.redirect(back, 303);
    })
    .post('/:id/accommodations', requirePage('admin'), async (c) => {
      const body = await c.req.parseBody();
      const minutes = Number(body.minutes);
      const back = `/portal/exams/${c.req.param('id')}`;
      const account = await deps.db
        .selectFrom('accounts')
        .select('id')
        .where(
          'email',
          '=',
          String(body.email ?? '')
            .trim()
            .toLowerCase(),
        )
        .executeTakeFirst();
      if (!account || !Number.isInteger(minutes) || minutes < 0 || minutes > 1440)
        return refusedTo(c, back, 'accommodation');
      await setAccommodation(deps, c.req.param('id'), account.id, minutes);
      return c.redirect(back, 303);
    })
    .get('/:id/attempts/:attemptId', requirePage('staffRead'), async (c) => {
      const principal = principalOf(c);
      const review = await reviewAttempt(deps, principal.account, c.req.param('id'), c.req.param('attemptId'));
      return html(c, <AttemptReviewPage principal={principal} review={review} />);
    })
    .get('/:id', requirePage('staffRead'), async (c) => {
      const principal = principalOf(c);
      const exam = await getExam(deps, c.req.param('id'));
      const report = await examReport(deps, exam.id);
      const questions = (await listQuestions(deps, exam.id)).map(toQuestionView);
      const admin = principal.account.role === 'admin';
      const notice = noticeKey(c.req.query('error'));
      const { t, format } = await i18nOf(c);
      const access = await accessCard(deps, exam);
      const percentOf = (value: number | null) => (value === null ? '—' : format.percent(value / 100));
      return html(
        c,
        <Layout title={exam.title} principal={principal}>
          {c.req.query('saved') === 'settings' && <Alert kind="success">{t('exams.summary.saved')}</Alert>}
          <ExamSummary exam={toExamView(exam)} admin={admin} />
          {access}
          <ExamReportSection examId={exam.id} report={report} />
          <section class="card" aria-labelledby="attempts">
            <h2 id="attempts">{t('exams.history.attempts')}</h2>
            {notice && <Alert kind="error">{t(notice)}</Alert>}
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
                      {r.status === 'in_progress' && (
                        <form method="post" action={`/portal/exams/${exam.id}/attempts/${r.attemptId}/extra-time`}>
                          <label for={`extra-${r.attemptId}`}>{t('exams.report.minutes')}</label>
                          <input id={`extra-${r.attemptId}`} name="minutes" type="number" min={1} max={1440} required />
                          <button type="submit" class="secondary">
                            {t('exams.report.addTime')}
                          </button>
                        </form>
                      )}
                    </>
                  ),
                },
              ]}
            />
            {admin && (
              <form method="post" action={`/portal/exams/${exam.id}/accommodations`}>
                <h3>{t('exams.report.accommodation')}</h3>
                <label for="accommodation-email">{t('exams.report.candidateEmail')}</label>
                <input id="accommodation-email" name="email" type="email" required />
                <label for="accommodation-minutes">{t('exams.report.extraMinutes')}</label>
                <input id="accommodation-minutes" name="minutes" type="number" min={0} max={1440} required />
                <button type="submit" class="secondary">
                  {t('exams.report.saveAccommodation')}
                </button>
              </form>
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
      );
    });

const kindText = (t: I18n['t'], kind: string) => {
  const key = `exams.kind.${kind}`;
  return isMessageKey(key) ? t(key) : kind;
};

async function changePublished(deps: ExamsDeps, c: Context<AppEnv>, published: boolean) {
  try {
    await setPublished(deps, c.req.param('id') ?? '', published);
    return c.redirect('/portal/exams', 303);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status === 404) throw error;
    return refusedTo(c, '/portal/exams', error.code);
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
      return c.redirect(`/portal/exams/${exam.id}`, 303);
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
