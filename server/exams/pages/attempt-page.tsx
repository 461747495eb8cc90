// The exam as a candidate takes it: the time left, the save status, the question navigator and the questions with
// their answer controls. The attempt page draws it, and so does the author's preview (without an attempt behind it).
import type { Principal } from '../../auth/principal.ts';
import type { I18n } from '../../i18n/messages.ts';
import { useI18n } from '../../i18n/request.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import type { AttemptView } from '../attempts.ts';
import { isAnswered, type PublicQuestion } from '../questions.ts';

/** An option as the candidate reads it: true or false in their language, other options as the author wrote them. */
export const optionLabel = (t: I18n['t'], kind: string, option: { id: string; text: string }) =>
  kind === 'true_false' && (option.id === 'true' || option.id === 'false')
    ? t(`exams.answer.${option.id}`)
    : option.text;

function AnswerInputs({ q }: { q: AttemptView['questions'][number] }) {
  const { t } = useI18n();
  const name = `q-${q.position}`;
  if (q.kind === 'short_answer') {
    return (
      <div>
        <label for={name}>{t('exams.attempt.yourAnswer')}</label>
        <input id={name} name={name} type="text" value={typeof q.answer === 'string' ? q.answer : ''} maxlength={500} />
      </div>
    );
  }
  const chosen = new Set(Array.isArray(q.answer) ? q.answer : q.answer ? [q.answer] : []);
  const type = q.kind === 'multiple' ? 'checkbox' : 'radio';
  // The whole row is the label, so a click anywhere on it chooses; element ids follow the display order only.
  return (
    <div class="choices">
      {(q.options ?? []).map((o, i) => {
        const id = `${name}-${q.kind === 'true_false' ? o.id : i + 1}`;
        return (
          <label class="choice" for={id} key={o.id}>
            <input type={type} id={id} name={name} value={o.id} checked={chosen.has(o.id)} />
            <span>{optionLabel(t, q.kind, o)}</span>
          </label>
        );
      })}
    </div>
  );
}

/** What exam.js says as the time runs and answers are saved: templates whose {placeholders} it fills in. */
function scriptMessages(t: I18n['t']) {
  return {
    'data-msg-left': t('exams.timer.left', { duration: '{duration}' }),
    'data-msg-time-up': t('exams.timer.timeUp'),
    'data-msg-saved-again': t('exams.save.again'),
    'data-msg-stale': t('exams.save.stale', { number: '{number}' }),
    'data-msg-offline': t('exams.save.offline'),
    'data-msg-saved-at': t('exams.take.savedAt', { time: '{time}' }),
    'data-msg-save-failed': t('exams.take.saveFailed', { status: '{status}' }),
    'data-msg-state-answered': t('exams.take.state.answered'),
    'data-msg-state-unanswered': t('exams.take.state.unanswered'),
    'data-msg-state-flagged': t('exams.take.state.flagged'),
    'data-msg-progress': t('exams.take.progress', { answered: '{answered}', total: '{total}' }),
  };
}

/** Links to every question, marked answered or not (exam.js keeps the marks and the review flags current). */
function QuestionNavigator({ view }: { view: Pick<AttemptView, 'questions'> }) {
  const { t } = useI18n();
  const answered = view.questions.filter((q) => isAnswered(q.answer ?? undefined)).length;
  return (
    <nav class="question-nav" aria-labelledby="nav-heading">
      <p>
        <strong id="nav-heading">{t('exams.take.navigator')}</strong>{' '}
        <span id="progress">{t('exams.take.progress', { answered, total: view.questions.length })}</span>
      </p>
      <ol>
        {view.questions.map((q) => {
          const done = isAnswered(q.answer ?? undefined);
          const states = [t(done ? 'exams.take.state.answered' : 'exams.take.state.unanswered')];
          if (q.flagged) states.push(t('exams.take.state.flagged'));
          const marks = [done ? 'answered' : '', q.flagged ? 'flagged' : ''].filter(Boolean).join(' ');
          return (
            <li key={q.position}>
              <a href={`#question-${q.position}`} data-nav={String(q.position)} class={marks || undefined}>
                {q.position + 1}
                <span class="visually-hidden"> {states.join(', ')}</span>
              </a>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

/**
 * A preview: the exam as a candidate would take it, with no attempt behind it. Nothing can be sent or saved (no form,
 * no script), the timer shows the whole time limit, and a banner says what this is.
 */
export interface PreviewMode {
  timeLimitMinutes: number;
  intro: string;
  back: string;
}

/** The questions a preview shows, numbered as an attempt would number them, unanswered. */
export const previewQuestions = (questions: PublicQuestion[]): AttemptView['questions'] =>
  questions.map((q, position) => ({ ...q, position, answer: null, seq: 0, flagged: false }));

export function AttemptPage({
  principal,
  view,
  saved,
  preview,
  total = view.questions.length,
}: {
  principal: Principal;
  view: Pick<AttemptView, 'id' | 'examTitle' | 'questions' | 'deadlineAt' | 'secondsLeft'>;
  saved: boolean;
  preview?: PreviewMode;
  /** Questions an attempt has (a one-question preview shows one of them). */
  total?: number;
}) {
  const { t, format } = useI18n();
  const Questions = preview ? 'div' : 'form';
  return (
    <Layout title={view.examTitle} principal={principal}>
      {preview && (
        <div class="preview-banner">
          <Alert kind="success">{t('exams.preview.notice')}</Alert>
          <p>
            <a href={preview.back}>{t('exams.editor.backToQuestions')}</a>
          </p>
          <p>{preview.intro}</p>
        </div>
      )}
      <a class="skip-link" href="#question-0">
        {t('exams.take.skip')}
      </a>
      <section class="card exam-status" aria-labelledby="time-heading">
        <h2 id="time-heading" class="visually-hidden">
          {t('exams.attempt.time')}
        </h2>
        {preview ? (
          <p id="timer">
            {t('exams.attempt.timeLeft')}{' '}
            <strong id="time-left">{format.duration(preview.timeLimitMinutes * 60)}</strong>
          </p>
        ) : (
          <p id="timer" data-deadline={view.deadlineAt} data-seconds-left={String(view.secondsLeft)}>
            {t('exams.attempt.timeLeft')} <strong id="time-left">{format.duration(view.secondsLeft)}</strong>{' '}
            <span class="hint">{t('exams.attempt.endsAt', { at: format.dateTime(view.deadlineAt) })}</span>
          </p>
        )}
        <div id="timer-announcer" class="visually-hidden" aria-live="polite" aria-atomic="true" />
        <p id="save-status" role="status" class="hint">
          {saved ? t('exams.attempt.saved') : ''}
        </p>
        <QuestionNavigator view={view} />
      </section>
      <Questions
        id="attempt-form"
        {...(preview
          ? { class: 'preview' }
          : { method: 'post', action: `/attempts/${view.id}/answers`, 'data-attempt': view.id, ...scriptMessages(t) })}
      >
        {/* Enter in a text answer saves (the first submit button is the form's default, not a question's flag). */}
        {!preview && (
          <button type="submit" name="action" value="save" hidden>
            {t('exams.attempt.save')}
          </button>
        )}
        {view.questions.map((q) => (
          <fieldset
            class="card question"
            key={q.position}
            id={`question-${q.position}`}
            tabindex={-1}
            data-position={String(q.position)}
            data-kind={q.kind}
          >
            <legend>
              <span class="question-number">
                {t(q.kind === 'multiple' ? 'exams.attempt.questionMultiple' : 'exams.attempt.question', {
                  number: q.position + 1,
                  total,
                })}
              </span>{' '}
              <span class="question-text">{q.text}</span>
            </legend>
            {!preview && <input type="hidden" name={`seq-${q.position}`} value={String(q.seq + 1)} />}
            <AnswerInputs q={q} />
            {/* Saved with the attempt: without script the button posts the form (answers too); exam.js sends it alone. */}
            {!preview && (
              <button
                type="submit"
                class="flag-toggle"
                formaction={`/attempts/${view.id}/flags`}
                name="flag"
                value={`${q.position}:${q.flagged ? 'off' : 'on'}`}
                aria-pressed={q.flagged ? 'true' : 'false'}
                data-flag={String(q.position)}
              >
                {t('exams.take.flag')}
              </button>
            )}
          </fieldset>
        ))}
        {!preview && (
          <div class="actions">
            <button type="submit" name="action" value="save" class="secondary">
              {t('exams.attempt.save')}
            </button>{' '}
            <button type="submit" name="action" value="review">
              {t('exams.attempt.review')}
            </button>
          </div>
        )}
      </Questions>
      {!preview && <script src="/assets/exam.js" defer />}
    </Layout>
  );
}
