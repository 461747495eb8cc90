// The staff's exam pages: the list, importing a JSON document, publishing, one exam with its report, extra time.

import { type Context, Hono } from 'hono';
import { principalOf } from '../../http/auth.ts';
import { largeBody } from '../../http/body-limit.ts';
import type { AppEnv } from '../../http/env.ts';
import { ApiError } from '../../http/errors.ts';
import { DataTable } from '../../web/data-table.tsx';
import { percent, utc } from '../../web/format.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import { grantExtraTime } from '../attempts.ts';
import {
  EXAM_DOCUMENT_LIMIT_BYTES,
  getExam,
  importExam,
  listExams,
  listQuestions,
  parseExamDocument,
  setAccommodation,
  setPublished,
  toQuestionView,
} from '../authoring.ts';
import type { ExamsDeps } from '../context.ts';
import { distributionSvg, examReport } from '../reports.ts';

const SAMPLE_IMPORT = `{
  "format": "seatkeeper-exam/1",
  "exam": { "title": "…", "timeLimitMinutes": 30, "passMark": 70, "questionCount": 1 },
  "questions": [ { "kind": "true_false", "text": "…", "answer": true } ]
}`;

/** /portal/exams: admin authoring basics (import, publish) and reports. */
export const examAdminPages = (deps: ExamsDeps) =>
  new Hono<AppEnv>()
    .get('/', requirePage('staffRead'), async (c) => {
      const principal = principalOf(c);
      const exams = await listExams(deps);
      const admin = principal.account.role === 'admin';
      const message = c.req.query('error');
      return html(
        c,
        <Layout title="Exams" principal={principal}>
          {message && <Alert kind="error">{message}</Alert>}
          <DataTable
            caption="Exams"
            captionHidden
            rows={exams}
            columns={[
              {
                header: 'Exam',
                cell: (e) => (
                  <>
                    <a href={`/portal/exams/${e.id}`}>{e.title}</a>
                  </>
                ),
              },
              { header: 'Questions drawn', cell: (e) => e.question_count },
              { header: 'Time limit', cell: (e) => <>{e.time_limit_minutes} min</> },
              { header: 'Status', cell: (e) => (e.published ? 'Published' : 'Draft') },
              {
                header: 'Change',
                cell: (e) => (
                  <>
                    <form method="post" action={`/portal/exams/${e.id}/${e.published ? 'unpublish' : 'publish'}`}>
                      <button type="submit" class="secondary">
                        {e.published ? 'Unpublish' : 'Publish'}
                      </button>
                    </form>
                  </>
                ),
              },
            ]}
          />
          {admin && (
            <form method="post" action="/portal/exam-imports" class="card">
              <h2>Import an exam</h2>
              <label for="document">Exam document (JSON, format seatkeeper-exam/1; see docs/exams.md)</label>
              <textarea id="document" name="document" rows={12} required placeholder={SAMPLE_IMPORT} />
              <button type="submit">Import</button>
            </form>
          )}
        </Layout>,
      );
    })
    .post('/:id/publish', requirePage('admin'), (c) => changePublished(deps, c, true))
    .post('/:id/unpublish', requirePage('admin'), (c) => changePublished(deps, c, false))
    .post('/:id/attempts/:attemptId/extra-time', requirePage('admin'), async (c) => {
      const minutes = Number((await c.req.parseBody()).minutes);
      const back = `/portal/exams/${c.req.param('id')}`;
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)
        return c.redirect(`${back}?error=${encodeURIComponent('Give 1 to 1440 minutes.')}`, 303);
      try {
        await grantExtraTime(deps, c.req.param('attemptId'), minutes);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status === 404) throw error;
        return c.redirect(`${back}?error=${encodeURIComponent(error.message)}`, 303);
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
        return c.redirect(
          `${back}?error=${encodeURIComponent('Give the email of an existing account and 0 to 1440 minutes.')}`,
          303,
        );
      await setAccommodation(deps, c.req.param('id'), account.id, minutes);
      return c.redirect(back, 303);
    })
    .get('/:id', requirePage('staffRead'), async (c) => {
      const principal = principalOf(c);
      const exam = await getExam(deps, c.req.param('id'));
      const report = await examReport(deps, exam.id);
      const questions = (await listQuestions(deps, exam.id)).map(toQuestionView);
      const admin = principal.account.role === 'admin';
      const message = c.req.query('error');
      return html(
        c,
        <Layout title={exam.title} principal={principal}>
          <section class="card" aria-labelledby="summary">
            <h2 id="summary">Report</h2>
            <p>
              {report.attempts} attempts, {report.finished} finished, {report.passed} passed (pass rate{' '}
              {report.passRate === null ? '—' : `${Math.round(report.passRate * 1000) / 10} %`}), mean score{' '}
              {percent(report.meanScore === null ? null : Math.round(report.meanScore * 10) / 10)}.{' '}
              <a href={`/api/v1/exams/${exam.id}/report?format=csv`}>Download CSV</a> ·{' '}
              <a href={`/api/v1/exams/${exam.id}/export`}>Export JSON</a>
            </p>
            <figure>
              {/* Generated from numbers only (reports.ts), no user text. */}
              <div dangerouslySetInnerHTML={{ __html: distributionSvg(report.distribution) }} />
              <figcaption>Score distribution (finished attempts per 10 % band)</figcaption>
            </figure>
            <DataTable
              caption="Item analysis"
              rows={report.items}
              columns={[
                { header: 'Question', cell: (i) => i.text },
                { header: 'Responses', cell: (i) => i.responses },
                { header: 'Facility', cell: (i) => i.facility ?? '—' },
                { header: 'Discrimination', cell: (i) => i.discrimination ?? '—' },
              ]}
            />
          </section>
          <section class="card" aria-labelledby="attempts">
            <h2 id="attempts">Attempts</h2>
            {message && <Alert kind="error">{message}</Alert>}
            <DataTable
              caption="Attempts"
              captionHidden
              rows={report.rows}
              columns={[
                {
                  header: 'Candidate',
                  cell: (r) => (
                    <>
                      {r.name} ({r.email})
                    </>
                  ),
                },
                { header: 'Started', cell: (r) => utc(r.startedAt) },
                { header: 'Status', cell: (r) => r.status },
                { header: 'Score', cell: (r) => percent(r.scorePercent) },
                {
                  header: 'Extra time',
                  cell: (r) => (
                    <>
                      {r.status === 'in_progress' && (
                        <form method="post" action={`/portal/exams/${exam.id}/attempts/${r.attemptId}/extra-time`}>
                          <label for={`extra-${r.attemptId}`}>Minutes</label>
                          <input id={`extra-${r.attemptId}`} name="minutes" type="number" min={1} max={1440} required />
                          <button type="submit" class="secondary">
                            Add time
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
                <h3>Accommodation for future attempts</h3>
                <label for="accommodation-email">Candidate email</label>
                <input id="accommodation-email" name="email" type="email" required />
                <label for="accommodation-minutes">Extra minutes per attempt</label>
                <input id="accommodation-minutes" name="minutes" type="number" min={0} max={1440} required />
                <button type="submit" class="secondary">
                  Save accommodation
                </button>
              </form>
            )}
          </section>
          <section class="card" aria-labelledby="bank">
            <h2 id="bank">Question bank ({questions.length})</h2>
            <ol>
              {questions.map((q) => (
                <li key={q.id}>
                  {q.question.text}{' '}
                  <span class="hint">
                    ({q.question.kind}, version {q.version})
                  </span>
                </li>
              ))}
            </ol>
          </section>
        </Layout>,
      );
    });

async function changePublished(deps: ExamsDeps, c: Context<AppEnv>, published: boolean) {
  try {
    await setPublished(deps, c.req.param('id') ?? '', published);
    return c.redirect('/portal/exams', 303);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status === 404) throw error;
    return c.redirect(`/portal/exams?error=${encodeURIComponent(error.message)}`, 303);
  }
}

/** /portal/exam-imports: a `seatkeeper-exam/1` document pasted into the exam list's form. */
export const examImportPages = (deps: ExamsDeps) =>
  new Hono<AppEnv>().post('/', requirePage('admin'), largeBody(EXAM_DOCUMENT_LIMIT_BYTES), async (c) => {
    const body = await c.req.parseBody();
    let raw: unknown;
    try {
      raw = JSON.parse(String(body.document ?? ''));
    } catch {
      return c.redirect(`/portal/exams?error=${encodeURIComponent('The document is not valid JSON.')}`, 303);
    }
    try {
      const exam = await importExam(deps, parseExamDocument(raw));
      return c.redirect(`/portal/exams/${exam.id}`, 303);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return c.redirect(`/portal/exams?error=${encodeURIComponent(error.message)}`, 303);
    }
  });
