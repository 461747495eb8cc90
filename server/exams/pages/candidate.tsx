import { readFileSync } from 'node:fs';
import { type Context, Hono } from 'hono';
import type { Principal } from '../../auth/principal.ts';
import { actorOf, principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { ApiError } from '../../http/errors.ts';
import { type I18n, isMessageKey, type MessageKey } from '../../i18n/messages.ts';
import { i18nOf, useI18n } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { Alert, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import { redeemAccessCode } from '../access.ts';
import { type AttemptView, attemptView, catalogue, history, loadAttempt, unansweredPositions } from '../attempts.ts';
import { type AnswerSave, saveAnswers } from '../autosave.ts';
import type { ExamsDeps } from '../context.ts';
import { finaliseAttempt } from '../finalise.ts';
import { setFlag } from '../flags.ts';
import { startAttempt } from '../start.ts';
import { AttemptPage, optionLabel } from './attempt-page.tsx';
import { CertificateLinks } from './certificate-links.tsx';

// Candidate pages: the catalogue, an attempt, its confirmation and result, the history. Everything works without
// JavaScript; /assets/exam.js adds autosave, a live timer and milestone announcements. The attempt itself is drawn by
// attempt-page.tsx (also the preview's).

const EXAM_SCRIPT = readFileSync(new URL('../assets/exam.js', import.meta.url), 'utf8');

async function offlineNotice(deps: ExamsDeps) {
  const term = await deps.licenceTerm();
  return term && term.candidatesOnline === false ? term : null;
}

function OfflineNotice() {
  const { t } = useI18n();
  return <Alert kind="error">{t('exams.offline')}</Alert>;
}

/** An answer as the candidate saw it: the option texts, or the text typed. */
function optionText(t: I18n['t'], view: AttemptView, position: number, answer: unknown): string {
  const q = view.questions[position];
  const ids = Array.isArray(answer) ? answer : answer ? [answer] : [];
  return ids
    .map((id) => {
      const option = q?.options?.find((o) => o.id === id);
      return option && q ? optionLabel(t, q.kind, option) : String(id);
    })
    .join(', ');
}

function ResultPage({ principal, view }: { principal: Principal; view: AttemptView }) {
  const { t, format } = useI18n();
  const result = view.result;
  return (
    <Layout title={t('exams.result.title', { exam: view.examTitle })} principal={principal}>
      {view.status === 'expired' && <Alert kind="success">{t('exams.result.expired')}</Alert>}
      {!result?.released ? (
        <section class="card">
          <p>
            {result && !result.released && result.releasedAt
              ? t('exams.result.releasedOn', { at: format.dateTime(result.releasedAt) })
              : t('exams.result.releasedLater')}
          </p>
        </section>
      ) : (
        <section class="card" aria-labelledby="score">
          <h2 id="score">
            {t(result.passed ? 'exams.result.passed' : 'exams.result.notPassed', {
              score: format.percent(result.scorePercent / 100),
            })}
          </h2>
          <p>{t('exams.result.passMark', { mark: format.percent(result.passMark / 100) })}</p>
          {view.certificateId && (
            <p>
              {t('exams.result.certificate')} <CertificateLinks id={view.certificateId} />
            </p>
          )}
          {result.review && (
            <DataTable
              caption={t('exams.result.review')}
              rows={result.review}
              columns={[
                { header: t('exams.result.question'), cell: (r) => view.questions[r.position]?.text },
                {
                  header: t('exams.attempt.yourAnswer'),
                  cell: (r) =>
                    optionText(t, view, r.position, view.questions[r.position]?.answer) || t('exams.result.noAnswer'),
                },
                { header: t('exams.result.correct'), cell: (r) => optionText(t, view, r.position, r.correctAnswer) },
                {
                  header: t('exams.result.points'),
                  numeric: true,
                  cell: (r) => format.number(Math.round(r.points * 100) / 100),
                },
              ]}
            />
          )}
        </section>
      )}
      <p>
        <a href="/history">{t('exams.result.allAttempts')}</a>
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

/** The exams this candidate may sit; `refusal` says why a start was refused (403 when the exam is not theirs). */
/** A refusal shown above the list: a catalog key (403 on start) or an already translated text (429 on codes). */
type Refusal = { key: MessageKey; status: 403 } | { text: string; status: 429 };

async function renderCatalogue(deps: ExamsDeps, c: Context<AppEnv>, refused?: Refusal) {
  const principal = principalOf(c);
  const entries = await catalogue(deps, principal.account);
  const offline = await offlineNotice(deps);
  const refusalKeyed = refused && 'key' in refused ? refused.key : refusalKey(c.req.query('error'));
  const added = entries.find((e) => e.exam.id === c.req.query('added'));
  const { t, format } = await i18nOf(c);
  return html(
    c,
    <Layout title={t('exams.catalogue.title')} principal={principal}>
      {offline && <OfflineNotice />}
      {refused && 'text' in refused ? (
        <Alert kind="error">{refused.text}</Alert>
      ) : (
        refusalKeyed && <Alert kind="error">{t(refusalKeyed)}</Alert>
      )}
      {added && <Alert kind="success">{t('exams.access.codeAccepted', { exam: added.exam.title })}</Alert>}
      {!principal.account.email_verified_at && <Alert kind="error">{t('exams.catalogue.verifyFirst')}</Alert>}
      {entries.length === 0 && <p>{t('exams.catalogue.none')}</p>}
      {entries.map((e) => (
        <section class="card" key={e.exam.id} aria-labelledby={`exam-${e.exam.id}`}>
          <h2 id={`exam-${e.exam.id}`}>{e.exam.title}</h2>
          {e.exam.description && <p>{e.exam.description}</p>}
          <ul>
            <li>
              {t('exams.catalogue.facts', {
                questions: e.exam.question_count,
                minutes: e.exam.time_limit_minutes,
                passMark: format.percent(e.exam.pass_mark / 100),
              })}
            </li>
            <li>
              {e.attemptsLeft === null
                ? t('exams.catalogue.attemptsUnlimited')
                : t('exams.catalogue.attemptsLeft', {
                    left: e.attemptsLeft,
                    allowed: e.exam.attempts_allowed ?? 0,
                  })}
            </li>
            {e.window === 'not_yet_open' && e.opensAt && (
              <li>{t('exams.catalogue.opensAt', { at: format.dateTime(e.opensAt) })}</li>
            )}
            {e.window === 'open' && e.closesAt && (
              <li>{t('exams.catalogue.closesAt', { at: format.dateTime(e.closesAt) })}</li>
            )}
            {e.window === 'closed' && <li>{t('exams.catalogue.closed')}</li>}
            {e.availableFrom && <li>{t('exams.catalogue.availableFrom', { at: format.dateTime(e.availableFrom) })}</li>}
          </ul>
          {!offline &&
            (e.inProgressAttemptId ? (
              <a class="button" href={`/attempts/${e.inProgressAttemptId}`}>
                {t('exams.catalogue.continue')}
              </a>
            ) : (
              e.attemptsLeft !== 0 &&
              !e.availableFrom &&
              e.window === 'open' && (
                <form method="post" action={`/exams/${e.exam.id}/start`}>
                  <button type="submit">{t('exams.catalogue.start')}</button>
                </form>
              )
            ))}
        </section>
      ))}
      <AccessCodeForm />
    </Layout>,
    refused?.status ?? 200,
  );
}

/** Candidates holding an access code enter it here; the exam then joins their list. */
function AccessCodeForm() {
  const { t } = useI18n();
  return (
    <form method="post" action="/exam-access-codes" class="card" aria-labelledby="code-heading">
      <h2 id="code-heading">{t('exams.access.codeHeading')}</h2>
      <label for="code">{t('exams.access.codeEnter')}</label>
      <input id="code" name="code" autocomplete="off" required maxlength={64} />
      <button type="submit" class="secondary">
        {t('exams.access.codeSubmit')}
      </button>
    </form>
  );
}

export const examPages = (deps: ExamsDeps) =>
  new Hono<AppEnv>()
    .get('/assets/exam.js', (c) =>
      c.body(EXAM_SCRIPT, 200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=3600',
      }),
    )
    .get('/exams', requirePage('signedIn'), (c) => renderCatalogue(deps, c))
    .post('/exam-access-codes', requirePage('signedIn'), async (c) => {
      const code = String((await c.req.parseBody()).code ?? '');
      try {
        const exam = await redeemAccessCode(deps, principalOf(c).account, code, actorOf(c).ip);
        return c.redirect(`/exams?added=${exam.id}`, 303);
      } catch (error) {
        if (error instanceof ApiError && error.status === 429) {
          for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
          return renderCatalogue(deps, c, { text: error.messageFor(await i18nOf(c)), status: 429 });
        }
        if (!(error instanceof ApiError) || error.status !== 400) throw error;
        return c.redirect('/exams?error=code_unknown', 303);
      }
    })
    .post('/exams/:id/start', requirePage('signedIn'), async (c) => {
      try {
        const attempt = await startAttempt(deps, principalOf(c).account, c.req.param('id'));
        return c.redirect(`/attempts/${attempt.id}`, 303);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status === 404) throw error;
        const key = `exams.refusal.${error.code}`;
        if (error.status === 403 && isMessageKey(key)) return renderCatalogue(deps, c, { key, status: 403 });
        // The page says why from the code alone: nothing a link could carry is shown as text.
        return c.redirect(`/exams?error=${encodeURIComponent(error.code)}`, 303);
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
    .post('/attempts/:id/flags', requirePage('signedIn'), async (c) => {
      const attempt = await loadAttempt(deps, principalOf(c).account, c.req.param('id'));
      const view = await attemptView(deps, attempt);
      if (view.status !== 'in_progress') return c.redirect(`/attempts/${attempt.id}`, 303);
      const [position, state] = String((await c.req.parseBody()).flag ?? '').split(':');
      try {
        // What was answered on the page is kept too: the flag button posts the whole form.
        await saveFromForm(deps, c, view);
        await setFlag(deps, attempt, Number(position), state === 'on');
      } catch (error) {
        if (error instanceof ApiError && error.code === 'attempt_closed')
          return c.redirect(`/attempts/${attempt.id}`, 303);
        throw error;
      }
      return c.redirect(`/attempts/${attempt.id}#question-${Number(position)}`, 303);
    })
    .get('/attempts/:id/submit', requirePage('signedIn'), async (c) => {
      const principal = principalOf(c);
      const attempt = await loadAttempt(deps, principal.account, c.req.param('id'));
      const view = await attemptView(deps, attempt);
      if (view.status !== 'in_progress') return c.redirect(`/attempts/${attempt.id}`, 303);
      const unanswered = unansweredPositions(view);
      const { t, format } = await i18nOf(c);
      return html(
        c,
        <Layout title={t('exams.submit.title')} principal={principal} narrow>
          <section class="card">
            {unanswered.length === 0 ? (
              <p>{t('exams.submit.allAnswered', { total: view.questions.length })}</p>
            ) : (
              <>
                <p>{t('exams.submit.unanswered', { count: unanswered.length, total: view.questions.length })}</p>
                <ul>
                  {unanswered.map((p) => (
                    <li key={p}>
                      <a href={`/attempts/${view.id}#question-${p}`}>{t('exams.submit.question', { number: p + 1 })}</a>
                    </li>
                  ))}
                </ul>
              </>
            )}
            <p>{t('exams.submit.timeLeft', { duration: format.duration(view.secondsLeft) })}</p>
            <form method="post" action={`/attempts/${view.id}/submit`}>
              <button type="submit">{t('exams.submit.submit')}</button>
            </form>
            <p>
              <a href={`/attempts/${view.id}`}>{t('exams.submit.back')}</a>
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
      const { t, format } = await i18nOf(c);
      return html(
        c,
        <Layout title={t('exams.history.title')} principal={principal}>
          <section class="card" aria-labelledby="certs">
            <h2 id="certs">{t('exams.history.certificates')}</h2>
            {certificates.length === 0 ? (
              <p>{t('exams.history.noCertificates')}</p>
            ) : (
              <DataTable
                caption={t('exams.history.certificates')}
                captionHidden
                rows={certificates}
                columns={[
                  { header: t('exams.history.exam'), cell: (cert) => cert.examTitle },
                  { header: t('exams.history.issued'), cell: (cert) => format.date(cert.issuedAt) },
                  {
                    header: t('exams.history.validUntil'),
                    cell: (cert) => (cert.expiresAt ? format.date(cert.expiresAt) : t('exams.history.noExpiry')),
                  },
                  {
                    header: t('exams.history.status'),
                    cell: (cert) =>
                      cert.revokedAt
                        ? t('exams.history.revoked', { reason: cert.revokedReason ?? '' })
                        : cert.expiresAt && cert.expiresAt <= now
                          ? t('exams.history.expired')
                          : t('exams.history.valid'),
                  },
                  { header: t('exams.history.downloads'), cell: (cert) => <CertificateLinks id={cert.id} /> },
                ]}
              />
            )}
          </section>
          <section class="card" aria-labelledby="attempts">
            <h2 id="attempts">{t('exams.history.attempts')}</h2>
            {attempts.length === 0 ? (
              <p>
                {t('exams.history.noAttempts')} <a href="/exams">{t('accounts.my.examsLink')}</a>
              </p>
            ) : (
              <DataTable
                caption={t('exams.history.attempts')}
                captionHidden
                rows={attempts}
                columns={[
                  {
                    header: t('exams.history.exam'),
                    cell: (a) => (
                      <>
                        <a href={`/attempts/${a.id}`}>{a.examTitle}</a>
                      </>
                    ),
                  },
                  {
                    header: t('exams.history.started'),
                    cell: (a) => <time datetime={a.startedAt}>{format.dateTime(a.startedAt)}</time>,
                  },
                  { header: t('exams.history.status'), cell: (a) => t(`exams.status.${a.status}`) },
                  {
                    header: t('exams.history.score'),
                    numeric: true,
                    cell: (a) => (a.scorePercent === null ? '—' : format.percent(a.scorePercent / 100)),
                  },
                  {
                    header: t('exams.history.result'),
                    cell: (a) =>
                      a.passed === null ? '—' : a.passed ? t('exams.history.passed') : t('exams.history.notPassed'),
                  },
                ]}
              />
            )}
          </section>
        </Layout>,
      );
    });

/** Why an exam could not be started, from the code in the address (only codes the catalog names are shown). */
function refusalKey(code: string | undefined): MessageKey | null {
  if (!code) return null;
  const key = `exams.refusal.${code}`;
  return isMessageKey(key) ? key : 'exams.refusal.other';
}
