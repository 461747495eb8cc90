import { readFileSync } from 'node:fs';
import { type Context, Hono } from 'hono';
import type { Principal } from '../../auth/principal.ts';
import { principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { ApiError } from '../../http/errors.ts';
import { DataTable } from '../../web/data-table.tsx';
import { percent, utc } from '../../web/format.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import { type AttemptView, attemptView, catalogue, history, loadAttempt, unansweredPositions } from '../attempts.ts';
import { type AnswerSave, saveAnswers } from '../autosave.ts';
import type { ExamsDeps } from '../context.ts';
import { finaliseAttempt } from '../finalise.ts';
import { startAttempt } from '../start.ts';

// Candidate pages: the catalogue, an attempt, its confirmation and result, the history. Everything works without
// JavaScript; /assets/exam.js adds autosave, a live timer and milestone announcements.

const EXAM_SCRIPT = readFileSync(new URL('../assets/exam.js', import.meta.url), 'utf8');

const minutesLeft = (seconds: number) => (seconds >= 60 ? `${Math.floor(seconds / 60)} minutes` : `${seconds} seconds`);

async function offlineNotice(deps: ExamsDeps) {
  const term = await deps.licenceTerm();
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

/** An answer as the candidate saw it: the option texts, or the text typed. */
function optionText(view: AttemptView, position: number, answer: unknown): string {
  const q = view.questions[position];
  const ids = Array.isArray(answer) ? answer : answer ? [answer] : [];
  return ids.map((id) => q?.options?.find((o) => o.id === id)?.text ?? String(id)).join(', ');
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
            <DataTable
              caption="Your answers"
              rows={result.review}
              columns={[
                { header: 'Question', cell: (r) => view.questions[r.position]?.text },
                {
                  header: 'Your answer',
                  cell: (r) => optionText(view, r.position, view.questions[r.position]?.answer) || '(no answer)',
                },
                { header: 'Correct answer', cell: (r) => optionText(view, r.position, r.correctAnswer) },
                { header: 'Points', numeric: true, cell: (r) => Math.round(r.points * 100) / 100 },
              ]}
            />
          )}
        </section>
      )}
      <p>
        <a href="/history">All my attempts and certificates</a>
      </p>
    </Layout>
  );
}

async function renderAttempt(deps: ExamsDeps, c: Context<AppEnv>, saved = false) {
  const principal = principalOf(c);
  const attempt = await loadAttempt(deps, principal.account, c.req.param('id') ?? '');
  const view = await attemptView(deps, attempt);
  if (view.status !== 'in_progress') return html(c, <ResultPage principal={principal} view={view} />);
  if (await offlineNotice(deps))
    return html(
      c,
      <Layout title={view.examTitle} principal={principal}>
        <OfflineNotice />
      </Layout>,
    );
  return html(c, <AttemptPage principal={principal} view={view} saved={saved} />);
}

/** Reads the no-JavaScript form: one save per question, with the sequence number the page carried. */
async function saveFromForm(deps: ExamsDeps, c: Context<AppEnv>, view: AttemptView) {
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
  if (saves.length) await saveAnswers(deps, principalOf(c).account, view.id, saves);
  return body.action;
}

export const examPages = (deps: ExamsDeps) =>
  new Hono<AppEnv>()
    .get('/assets/exam.js', (c) =>
      c.body(EXAM_SCRIPT, 200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=3600',
      }),
    )
    .get('/exams', requirePage('signedIn'), async (c) => {
      const principal = principalOf(c);
      const entries = await catalogue(deps, principal.account);
      const offline = await offlineNotice(deps);
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
        const attempt = await startAttempt(deps, principalOf(c).account, c.req.param('id'));
        return c.redirect(`/attempts/${attempt.id}`, 303);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status === 404) throw error;
        return c.redirect(`/exams?error=${encodeURIComponent(error.message)}`, 303);
      }
    })
    .get('/attempts/:id', requirePage('signedIn'), (c) => renderAttempt(deps, c, c.req.query('saved') === '1'))
    .post('/attempts/:id/answers', requirePage('signedIn'), async (c) => {
      const attempt = await loadAttempt(deps, principalOf(c).account, c.req.param('id'));
      const view = await attemptView(deps, attempt);
      if (view.status !== 'in_progress') return c.redirect(`/attempts/${attempt.id}`, 303);
      let action: unknown;
      try {
        action = await saveFromForm(deps, c, view);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'attempt_closed')
          return c.redirect(`/attempts/${attempt.id}`, 303);
        throw error;
      }
      return c.redirect(
        action === 'review' ? `/attempts/${attempt.id}/submit` : `/attempts/${attempt.id}?saved=1`,
        303,
      );
    })
    .get('/attempts/:id/submit', requirePage('signedIn'), async (c) => {
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
      const attempt = await loadAttempt(deps, principalOf(c).account, c.req.param('id'));
      await finaliseAttempt(deps, attempt.id, 'candidate');
      return c.redirect(`/attempts/${attempt.id}`, 303);
    })
    .get('/history', requirePage('signedIn'), async (c) => {
      const principal = principalOf(c);
      const { attempts, certificates } = await history(deps, principal.account);
      const now = deps.clock().toISOString();
      return html(
        c,
        <Layout title="My attempts and certificates" principal={principal}>
          <section class="card" aria-labelledby="certs">
            <h2 id="certs">Certificates</h2>
            {certificates.length === 0 ? (
              <p>No certificates yet.</p>
            ) : (
              <DataTable
                caption="Certificates"
                captionHidden
                rows={certificates}
                columns={[
                  { header: 'Exam', cell: (cert) => cert.examTitle },
                  { header: 'Issued', cell: (cert) => cert.issuedAt.slice(0, 10) },
                  {
                    header: 'Valid until',
                    cell: (cert) => (cert.expiresAt ? cert.expiresAt.slice(0, 10) : 'No expiry'),
                  },
                  {
                    header: 'Status',
                    cell: (cert) =>
                      cert.revokedAt
                        ? `Revoked: ${cert.revokedReason ?? ''}`
                        : cert.expiresAt && cert.expiresAt <= now
                          ? 'Expired'
                          : 'Valid',
                  },
                  {
                    header: 'Downloads',
                    cell: (cert) => (
                      <>
                        <a href={`/api/v1/certificates/${cert.id}/pdf`}>PDF</a> ·{' '}
                        <a href={`/api/v1/certificates/${cert.id}/credential`}>Open Badge</a> ·{' '}
                        <a href={`/verify/${cert.id}`}>Verification page</a>
                      </>
                    ),
                  },
                ]}
              />
            )}
          </section>
          <section class="card" aria-labelledby="attempts">
            <h2 id="attempts">Attempts</h2>
            {attempts.length === 0 ? (
              <p>
                No attempts yet. <a href="/exams">See the exams</a>.
              </p>
            ) : (
              <DataTable
                caption="Attempts"
                captionHidden
                rows={attempts}
                columns={[
                  {
                    header: 'Exam',
                    cell: (a) => (
                      <>
                        <a href={`/attempts/${a.id}`}>{a.examTitle}</a>
                      </>
                    ),
                  },
                  { header: 'Started', cell: (a) => utc(a.startedAt) },
                  {
                    header: 'Status',
                    cell: (a) =>
                      a.status === 'in_progress' ? 'In progress' : a.status === 'expired' ? 'Time up' : 'Submitted',
                  },
                  { header: 'Score', cell: (a) => percent(a.scorePercent) },
                  { header: 'Result', cell: (a) => (a.passed === null ? '—' : a.passed ? 'Passed' : 'Not passed') },
                ]}
              />
            )}
          </section>
        </Layout>,
      );
    });
