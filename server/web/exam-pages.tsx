import { readFileSync } from 'node:fs';
import { type Context, Hono } from 'hono';
import type { Principal } from '../auth/principal.ts';
import {
  type AnswerSave,
  type AttemptView,
  attemptView,
  catalogue,
  finaliseAttempt,
  grantExtraTime,
  history,
  loadAttempt,
  saveAnswers,
  startAttempt,
  unansweredPositions,
} from '../exams/attempts.ts';
import {
  getExam,
  importExam,
  listExams,
  listQuestions,
  setAccommodation,
  setPublished,
  toQuestionView,
} from '../exams/authoring.ts';
import { distributionSvg, examReport } from '../exams/reports.ts';
import { principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { Alert, Layout } from './layout.tsx';
import { html, requirePage } from './page-helpers.ts';

// Candidate pages (catalogue, attempt, confirmation, result, history) and the admin's exam pages. Everything works
// without JavaScript; /assets/exam.js adds autosave, a live timer and milestone announcements.

const EXAM_SCRIPT = readFileSync(new URL('./assets/exam.js', import.meta.url), 'utf8');

const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const minutesLeft = (seconds: number) => (seconds >= 60 ? `${Math.floor(seconds / 60)} minutes` : `${seconds} seconds`);
const percent = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${value} %`);

async function offlineNotice(c: Context<AppEnv>) {
  const term = await c.get('deps').licenceTerm();
  return term && term.candidatesOnline === false ? term : null;
}

function OfflineNotice() {
  return (
    <Alert kind="error">
      Exams are offline at the moment. Your results and certificates stay available; please try again later.
    </Alert>
  );
}

function AnswerInputs({ q }: { q: AttemptView['questions'][number] }) {
  const name = `q-${q.position}`;
  if (q.kind === 'short_answer') {
    return (
      <div>
        <label for={name}>Your answer</label>
        <input id={name} name={name} type="text" value={typeof q.answer === 'string' ? q.answer : ''} maxlength={500} />
      </div>
    );
  }
  const chosen = new Set(Array.isArray(q.answer) ? q.answer : q.answer ? [q.answer] : []);
  const type = q.kind === 'multiple' ? 'checkbox' : 'radio';
  return (
    <ul class="choices">
      {(q.options ?? []).map((o) => (
        <li key={o.id}>
          <input type={type} id={`${name}-${o.id}`} name={name} value={o.id} checked={chosen.has(o.id)} />{' '}
          <label for={`${name}-${o.id}`}>{o.text}</label>
        </li>
      ))}
    </ul>
  );
}

function AttemptPage({ principal, view, saved }: { principal: Principal; view: AttemptView; saved: boolean }) {
  const total = view.questions.length;
  return (
    <Layout title={view.examTitle} principal={principal}>
      <section class="card" aria-labelledby="time-heading">
        <h2 id="time-heading">Time</h2>
        <p id="timer" data-deadline={view.deadlineAt} data-seconds-left={String(view.secondsLeft)}>
          Time left: <strong id="time-left">{minutesLeft(view.secondsLeft)}</strong> (the exam ends at{' '}
          {utc(view.deadlineAt)}; answers are saved as you go).
        </p>
        <div id="timer-announcer" class="visually-hidden" aria-live="polite" aria-atomic="true" />
        <p id="save-status" role="status" class="hint">
          {saved ? 'Your answers are saved.' : ''}
        </p>
      </section>
      <form method="post" action={`/attempts/${view.id}/answers`} id="attempt-form" data-attempt={view.id}>
        {view.questions.map((q) => (
          <fieldset
            class="card question"
            key={q.position}
            id={`question-${q.position}`}
            data-position={String(q.position)}
            data-kind={q.kind}
          >
            <legend>
              <span class="question-number">
                Question {q.position + 1} of {total}
                {q.kind === 'multiple' ? ' (choose all that apply)' : ''}:
              </span>{' '}
              <span class="question-text">{q.text}</span>
            </legend>
            <input type="hidden" name={`seq-${q.position}`} value={String(q.seq + 1)} />
            <AnswerInputs q={q} />
          </fieldset>
        ))}
        <div class="actions">
          <button type="submit" name="action" value="save" class="secondary">
            Save answers
          </button>{' '}
          <button type="submit" name="action" value="review">
            Review and submit
          </button>
        </div>
      </form>
      <script src="/assets/exam.js" defer />
    </Layout>
  );
}

function ResultPage({ principal, view }: { principal: Principal; view: AttemptView }) {
  const result = view.result;
  return (
    <Layout title={`Result: ${view.examTitle}`} principal={principal}>
      {view.status === 'expired' && <Alert kind="success">The time was up; your saved answers were submitted.</Alert>}
      {!result?.released ? (
        <section class="card">
          <p>
            Your answers are in. Results are released
            {result && !result.released && result.releasedAt ? ` on ${utc(result.releasedAt)}` : ' later'}.
          </p>
        </section>
      ) : (
        <section class="card" aria-labelledby="score">
          <h2 id="score">
            {result.passed ? 'Passed' : 'Not passed'}: {result.scorePercent} %
          </h2>
          <p>The pass mark is {result.passMark} %.</p>
          {view.certificateId && (
            <p>
              Your certificate: <a href={`/api/v1/certificates/${view.certificateId}/pdf`}>download the PDF</a> ·{' '}
              <a href={`/api/v1/certificates/${view.certificateId}/credential`}>download the Open Badge</a> ·{' '}
              <a href={`/verify/${view.certificateId}`}>public verification page</a>
            </p>
          )}
          {result.review && (
            <table>
              <caption>Your answers</caption>
              <thead>
                <tr>
                  <th scope="col">Question</th>
                  <th scope="col">Your answer</th>
                  <th scope="col">Correct answer</th>
                  <th scope="col">Points</th>
                </tr>
              </thead>
              <tbody>
                {result.review.map((r) => {
                  const q = view.questions[r.position];
                  const label = (answer: unknown) => {
                    const ids = Array.isArray(answer) ? answer : answer ? [answer] : [];
                    return ids.map((id) => q?.options?.find((o) => o.id === id)?.text ?? String(id)).join(', ');
                  };
                  return (
                    <tr key={r.position}>
                      <td>{q?.text}</td>
                      <td>{label(q?.answer) || '(no answer)'}</td>
                      <td>{label(r.correctAnswer)}</td>
                      <td>{Math.round(r.points * 100) / 100}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>
      )}
      <p>
        <a href="/history">All my attempts and certificates</a>
      </p>
    </Layout>
  );
}

async function renderAttempt(c: Context<AppEnv>, saved = false) {
  const deps = c.get('deps');
  const principal = principalOf(c);
  const attempt = await loadAttempt(deps, principal.account, c.req.param('id') ?? '');
  const view = await attemptView(deps, attempt);
  if (view.status !== 'in_progress') return html(c, <ResultPage principal={principal} view={view} />);
  if (await offlineNotice(c))
    return html(
      c,
      <Layout title={view.examTitle} principal={principal}>
        <OfflineNotice />
      </Layout>,
    );
  return html(c, <AttemptPage principal={principal} view={view} saved={saved} />);
}

/** Reads the no-JavaScript form: one save per question, with the sequence number the page carried. */
async function saveFromForm(c: Context<AppEnv>, view: AttemptView) {
  const body = await c.req.parseBody({ all: true });
  const saves = view.questions.flatMap((q): AnswerSave[] => {
    const raw = body[`q-${q.position}`];
    const seq = Number(body[`seq-${q.position}`]);
    if (!Number.isInteger(seq) || seq < 1) return [];
    const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
      (v): v is string => typeof v === 'string',
    );
    if (q.kind === 'multiple') return [{ position: q.position, seq, answer: values.slice(0, 10) }];
    if (values.length === 0) return [];
    return [{ position: q.position, seq, answer: (values[0] ?? '').slice(0, 500) }];
  });
  if (saves.length) await saveAnswers(c.get('deps'), principalOf(c).account, view.id, saves);
  return body.action;
}

export const examPages = new Hono<AppEnv>()
  .get('/assets/exam.js', (c) =>
    c.body(EXAM_SCRIPT, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=3600',
    }),
  )
  .get('/exams', requirePage('signedIn'), async (c) => {
    const principal = principalOf(c);
    const entries = await catalogue(c.get('deps'), principal.account);
    const offline = await offlineNotice(c);
    const message = c.req.query('error');
    return html(
      c,
      <Layout title="Exams" principal={principal}>
        {offline && <OfflineNotice />}
        {message && <Alert kind="error">{message}</Alert>}
        {!principal.account.email_verified_at && (
          <Alert kind="error">Confirm your email address before you sit an exam (see My certifications).</Alert>
        )}
        {entries.length === 0 && <p>No exams are open at the moment.</p>}
        {entries.map((e) => (
          <section class="card" key={e.exam.id} aria-labelledby={`exam-${e.exam.id}`}>
            <h2 id={`exam-${e.exam.id}`}>{e.exam.title}</h2>
            {e.exam.description && <p>{e.exam.description}</p>}
            <ul>
              <li>
                {e.exam.question_count} questions, {e.exam.time_limit_minutes} minutes, pass mark {e.exam.pass_mark} %
              </li>
              <li>
                Attempts left:{' '}
                {e.attemptsLeft === null ? 'unlimited' : `${e.attemptsLeft} of ${e.exam.attempts_allowed}`}
              </li>
              {e.availableFrom && <li>You can try again from {utc(e.availableFrom)}.</li>}
            </ul>
            {!offline &&
              (e.inProgressAttemptId ? (
                <a class="button" href={`/attempts/${e.inProgressAttemptId}`}>
                  Continue your attempt
                </a>
              ) : (
                e.attemptsLeft !== 0 &&
                !e.availableFrom && (
                  <form method="post" action={`/exams/${e.exam.id}/start`}>
                    <button type="submit">Start the exam</button>
                  </form>
                )
              ))}
          </section>
        ))}
      </Layout>,
    );
  })
  .post('/exams/:id/start', requirePage('signedIn'), async (c) => {
    try {
      const attempt = await startAttempt(c.get('deps'), principalOf(c).account, c.req.param('id'));
      return c.redirect(`/attempts/${attempt.id}`, 303);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 404) throw error;
      return c.redirect(`/exams?error=${encodeURIComponent(error.message)}`, 303);
    }
  })
  .get('/attempts/:id', requirePage('signedIn'), (c) => renderAttempt(c, c.req.query('saved') === '1'))
  .post('/attempts/:id/answers', requirePage('signedIn'), async (c) => {
    const deps = c.get('deps');
    const attempt = await loadAttempt(deps, principalOf(c).account, c.req.param('id'));
    const view = await attemptView(deps, attempt);
    if (view.status !== 'in_progress') return c.redirect(`/attempts/${attempt.id}`, 303);
    let action: unknown;
    try {
      action = await saveFromForm(c, view);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'attempt_closed')
        return c.redirect(`/attempts/${attempt.id}`, 303);
      throw error;
    }
    return c.redirect(action === 'review' ? `/attempts/${attempt.id}/submit` : `/attempts/${attempt.id}?saved=1`, 303);
  })
  .get('/attempts/:id/submit', requirePage('signedIn'), async (c) => {
    const deps = c.get('deps');
    const principal = principalOf(c);
    const attempt = await loadAttempt(deps, principal.account, c.req.param('id'));
    const view = await attemptView(deps, attempt);
    if (view.status !== 'in_progress') return c.redirect(`/attempts/${attempt.id}`, 303);
    const unanswered = unansweredPositions(view);
    return html(
      c,
      <Layout title="Submit your answers?" principal={principal} narrow>
        <section class="card">
          {unanswered.length === 0 ? (
            <p>You have answered all {view.questions.length} questions.</p>
          ) : (
            <>
              <p>
                You have not answered {unanswered.length} of {view.questions.length} questions:
              </p>
              <ul>
                {unanswered.map((p) => (
                  <li key={p}>
                    <a href={`/attempts/${view.id}#question-${p}`}>Question {p + 1}</a>
                  </li>
                ))}
              </ul>
            </>
          )}
          <p>Time left: {minutesLeft(view.secondsLeft)}. After submitting you cannot change your answers.</p>
          <form method="post" action={`/attempts/${view.id}/submit`}>
            <button type="submit">Submit my answers</button>
          </form>
          <p>
            <a href={`/attempts/${view.id}`}>Back to the questions</a>
          </p>
        </section>
      </Layout>,
    );
  })
  .post('/attempts/:id/submit', requirePage('signedIn'), async (c) => {
    const deps = c.get('deps');
    const attempt = await loadAttempt(deps, principalOf(c).account, c.req.param('id'));
    await finaliseAttempt(deps, attempt.id, 'candidate');
    return c.redirect(`/attempts/${attempt.id}`, 303);
  })
  .get('/history', requirePage('signedIn'), async (c) => {
    const principal = principalOf(c);
    const { attempts, certificates } = await history(c.get('deps'), principal.account);
    const now = c.get('deps').clock().toISOString();
    return html(
      c,
      <Layout title="My attempts and certificates" principal={principal}>
        <section class="card" aria-labelledby="certs">
          <h2 id="certs">Certificates</h2>
          {certificates.length === 0 ? (
            <p>No certificates yet.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Exam</th>
                  <th scope="col">Issued</th>
                  <th scope="col">Valid until</th>
                  <th scope="col">Status</th>
                  <th scope="col">Downloads</th>
                </tr>
              </thead>
              <tbody>
                {certificates.map((cert) => (
                  <tr key={cert.id}>
                    <td>{cert.exam_title}</td>
                    <td>{cert.issued_at.slice(0, 10)}</td>
                    <td>{cert.expires_at ? cert.expires_at.slice(0, 10) : 'No expiry'}</td>
                    <td>
                      {cert.revoked_at
                        ? `Revoked: ${cert.revoked_reason ?? ''}`
                        : cert.expires_at && cert.expires_at <= now
                          ? 'Expired'
                          : 'Valid'}
                    </td>
                    <td>
                      <a href={`/api/v1/certificates/${cert.id}/pdf`}>PDF</a> ·{' '}
                      <a href={`/api/v1/certificates/${cert.id}/credential`}>Open Badge</a> ·{' '}
                      <a href={`/verify/${cert.id}`}>Verification page</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section class="card" aria-labelledby="attempts">
          <h2 id="attempts">Attempts</h2>
          {attempts.length === 0 ? (
            <p>
              No attempts yet. <a href="/exams">See the exams</a>.
            </p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Exam</th>
                  <th scope="col">Started</th>
                  <th scope="col">Status</th>
                  <th scope="col">Score</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {attempts.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <a href={`/attempts/${a.id}`}>{a.examTitle}</a>
                    </td>
                    <td>{utc(a.startedAt)}</td>
                    <td>
                      {a.status === 'in_progress' ? 'In progress' : a.status === 'expired' ? 'Time up' : 'Submitted'}
                    </td>
                    <td>{percent(a.scorePercent)}</td>
                    <td>{a.passed === null ? '—' : a.passed ? 'Passed' : 'Not passed'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </Layout>,
    );
  });

const SAMPLE_IMPORT = `{
  "format": "seatkeeper-exam/1",
  "exam": { "title": "…", "timeLimitMinutes": 30, "passMark": 70, "questionCount": 1 },
  "questions": [ { "kind": "true_false", "text": "…", "answer": true } ]
}`;

/** /portal/exams: admin authoring basics (import, publish) and reports. */
export const examAdminPages = new Hono<AppEnv>()
  .get('/', requirePage('staffRead'), async (c) => {
    const principal = principalOf(c);
    const exams = await listExams(c.get('deps'));
    const admin = principal.account.role === 'admin';
    const message = c.req.query('error');
    return html(
      c,
      <Layout title="Exams" principal={principal}>
        {message && <Alert kind="error">{message}</Alert>}
        <table>
          <thead>
            <tr>
              <th scope="col">Exam</th>
              <th scope="col">Questions drawn</th>
              <th scope="col">Time limit</th>
              <th scope="col">Status</th>
              {admin && <th scope="col">Change</th>}
            </tr>
          </thead>
          <tbody>
            {exams.map((e) => (
              <tr key={e.id}>
                <td>
                  <a href={`/portal/exams/${e.id}`}>{e.title}</a>
                </td>
                <td>{e.question_count}</td>
                <td>{e.time_limit_minutes} min</td>
                <td>{e.published ? 'Published' : 'Draft'}</td>
                {admin && (
                  <td>
                    <form method="post" action={`/portal/exams/${e.id}/${e.published ? 'unpublish' : 'publish'}`}>
                      <button type="submit" class="secondary">
                        {e.published ? 'Unpublish' : 'Publish'}
                      </button>
                    </form>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {admin && (
          <form method="post" action="/portal/exams/import" class="card">
            <h2>Import an exam</h2>
            <label for="document">Exam document (JSON, format seatkeeper-exam/1; see docs/exams.md)</label>
            <textarea id="document" name="document" rows={12} required placeholder={SAMPLE_IMPORT} />
            <button type="submit">Import</button>
          </form>
        )}
      </Layout>,
    );
  })
  .post('/import', requirePage('admin'), async (c) => {
    const body = await c.req.parseBody();
    let raw: unknown;
    try {
      raw = JSON.parse(String(body.document ?? ''));
    } catch {
      return c.redirect(`/portal/exams?error=${encodeURIComponent('The document is not valid JSON.')}`, 303);
    }
    try {
      const exam = await importExam(c.get('deps'), raw);
      return c.redirect(`/portal/exams/${exam.id}`, 303);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return c.redirect(`/portal/exams?error=${encodeURIComponent(error.message)}`, 303);
    }
  })
  .post('/:id/:change{publish|unpublish}', requirePage('admin'), async (c) => {
    try {
      await setPublished(c.get('deps'), c.req.param('id'), c.req.param('change') === 'publish');
      return c.redirect('/portal/exams', 303);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 404) throw error;
      return c.redirect(`/portal/exams?error=${encodeURIComponent(error.message)}`, 303);
    }
  })
  .post('/:id/attempts/:attemptId/extra-time', requirePage('admin'), async (c) => {
    const minutes = Number((await c.req.parseBody()).minutes);
    const back = `/portal/exams/${c.req.param('id')}`;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)
      return c.redirect(`${back}?error=${encodeURIComponent('Give 1 to 1440 minutes.')}`, 303);
    try {
      await grantExtraTime(c.get('deps'), c.req.param('attemptId'), minutes);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 404) throw error;
      return c.redirect(`${back}?error=${encodeURIComponent(error.message)}`, 303);
    }
    return c.redirect(back, 303);
  })
  .post('/:id/accommodations', requirePage('admin'), async (c) => {
    const deps = c.get('deps');
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
    const deps = c.get('deps');
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
          <table>
            <caption>Item analysis</caption>
            <thead>
              <tr>
                <th scope="col">Question</th>
                <th scope="col">Responses</th>
                <th scope="col">Facility</th>
                <th scope="col">Discrimination</th>
              </tr>
            </thead>
            <tbody>
              {report.items.map((i) => (
                <tr key={i.questionId}>
                  <td>{i.text}</td>
                  <td>{i.responses}</td>
                  <td>{i.facility ?? '—'}</td>
                  <td>{i.discrimination ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section class="card" aria-labelledby="attempts">
          <h2 id="attempts">Attempts</h2>
          {message && <Alert kind="error">{message}</Alert>}
          <table>
            <thead>
              <tr>
                <th scope="col">Candidate</th>
                <th scope="col">Started</th>
                <th scope="col">Status</th>
                <th scope="col">Score</th>
                {admin && <th scope="col">Extra time</th>}
              </tr>
            </thead>
            <tbody>
              {report.rows.map((r) => (
                <tr key={r.attemptId}>
                  <td>
                    {r.name} ({r.email})
                  </td>
                  <td>{utc(r.startedAt)}</td>
                  <td>{r.status}</td>
                  <td>{percent(r.scorePercent)}</td>
                  {admin && (
                    <td>
                      {r.status === 'in_progress' && (
                        <form method="post" action={`/portal/exams/${exam.id}/attempts/${r.attemptId}/extra-time`}>
                          <label for={`extra-${r.attemptId}`}>Minutes</label>
                          <input id={`extra-${r.attemptId}`} name="minutes" type="number" min={1} max={1440} required />
                          <button type="submit" class="secondary">
                            Add time
                          </button>
                        </form>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
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
