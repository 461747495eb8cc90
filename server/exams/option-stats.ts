import { ANSWER_MAX_LENGTH, type Answer, authoredAnswer, type QuestionContent, scoreAnswer } from './questions.ts';

// What candidates answered, per question: how many chose each option (in authoring ids, whatever id the attempt
// showed) and, for short answers, the answers given most often, normalised the way scoring compares them.

export interface OptionTally {
  /** The option's authoring id (`o1`, `o2`, ...; `true`/`false` for true/false questions). */
  id: string;
  text: string;
  correct: boolean;
  chosen: number;
  /** Of everyone who drew the question (0..1); null when nobody did. */
  share: number | null;
}

export interface GivenAnswer {
  answer: string;
  count: number;
  /** Whether scoring accepts it. */
  correct: boolean;
}

export interface QuestionTally {
  options: OptionTally[];
  /** Short answers: the most frequent first (ties in alphabetical order), at most SHORT_ANSWERS_SHOWN. */
  answers: GivenAnswer[];
  /** Short answers: how many different answers were given (the list may show fewer). */
  distinctAnswers: number;
}

export const SHORT_ANSWERS_SHOWN = 5;

/** A short answer as scoring compares it: trimmed, cut at the answer limit, case folded unless case matters. */
export function normalisedShortAnswer(content: QuestionContent, answer: string): string {
  const given = answer.trim().slice(0, ANSWER_MAX_LENGTH);
  return content.kind === 'short_answer' && content.caseSensitive ? given : given.toLowerCase();
}

/** Counts what each draw of one question was answered; `draws` holds the attempt's snapshot and its answer. */
export function tallyQuestion(draws: { content: QuestionContent; answer: Answer | undefined }[]): QuestionTally {
  const first = draws[0]?.content;
  if (!first) return { options: [], answers: [], distinctAnswers: 0 };
  const share = (count: number) => (draws.length ? Math.round((count / draws.length) * 1000) / 1000 : null);
  if (first.kind === 'true_false') {
    const chosen = (value: string) => draws.filter((d) => d.answer === value).length;
    return {
      options: ['true', 'false'].map((id) => ({
        id,
        text: id,
        correct: String(first.answer) === id,
        chosen: chosen(id),
        share: share(chosen(id)),
      })),
      answers: [],
      distinctAnswers: 0,
    };
  }
  if (first.kind === 'single' || first.kind === 'multiple') {
    const counts = new Map<string, number>();
    for (const { content, answer } of draws) {
      if (answer === undefined) continue;
      const authored = authoredAnswer(content, answer);
      for (const id of new Set(Array.isArray(authored) ? authored : [authored]))
        counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    // The options as the first snapshot has them, in authoring order (a snapshot's own order may be shuffled).
    const options = [...first.options].sort((a, b) => authoringOrder(a) - authoringOrder(b));
    return {
      options: options.map((o) => {
        const id = o.authoredId ?? o.id;
        const chosen = counts.get(id) ?? 0;
        return { id, text: o.text, correct: o.correct, chosen, share: share(chosen) };
      }),
      answers: [],
      distinctAnswers: 0,
    };
  }
  const counts = new Map<string, GivenAnswer>();
  for (const { content, answer } of draws) {
    if (typeof answer !== 'string' || answer.trim() === '') continue;
    const key = normalisedShortAnswer(content, answer);
    const known = counts.get(key);
    if (known) known.count++;
    else counts.set(key, { answer: key, count: 1, correct: scoreAnswer(content, answer) === 1 });
  }
  const answers = [...counts.values()].sort((a, b) => b.count - a.count || a.answer.localeCompare(b.answer));
  return { options: [], answers: answers.slice(0, SHORT_ANSWERS_SHOWN), distinctAnswers: answers.length };
}

/** `o3` → 3: authoring ids number the options in the order the author wrote them. */
const authoringOrder = (option: { id: string; authoredId?: string }) =>
  Number((option.authoredId ?? option.id).slice(1)) || 0;
