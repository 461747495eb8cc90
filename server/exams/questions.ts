import { z } from 'zod';
import type { MessageKey } from '../i18n/messages.ts';

// Question kinds, their validation, candidate-safe views and scoring. Answer keys live only in QuestionContent.

// Messages are catalog keys, read in the author's language (server/http/errors.ts).
const text = (max: number) => z.string().trim().min(1, 'fields.text').max(max, 'fields.tooLong');

const option = z.strictObject({ text: text(500), correct: z.boolean().default(false) });

/** Regex patterns for short answers: a safe subset (no backreferences, lookarounds or nested quantifiers). */
export const PATTERN_MAX_LENGTH = 200;
export const ANSWER_MAX_LENGTH = 500;

/** Why a pattern is refused, as a catalog key, or null when it is safe. */
export function unsafePatternReason(pattern: string): MessageKey | null {
  if (pattern.length > PATTERN_MAX_LENGTH) return 'fields.pattern.tooLong';
  if (/\\[1-9]|\\k</.test(pattern)) return 'fields.pattern.backreference';
  if (/\(\?[=!<]/.test(pattern)) return 'fields.pattern.lookaround';
  // A quantified group that itself contains a quantifier or alternation is the classic catastrophic-backtracking shape.
  const stripped = pattern.replace(/\\./g, 'x').replace(/\[[^\]]*\]/g, 'x');
  const stack: { quantified: boolean }[] = [];
  for (let i = 0; i < stripped.length; i++) {
    const ch = stripped[i];
    if (ch === '(') stack.push({ quantified: false });
    else if (ch === ')') {
      const group = stack.pop();
      const next = stripped[i + 1];
      if (group?.quantified && (next === '*' || next === '+' || next === '{' || next === '?'))
        return 'fields.pattern.nested';
      if (group && stack.length) {
        const parent = stack[stack.length - 1];
        if (parent && (group.quantified || next === '*' || next === '+' || next === '{')) parent.quantified = true;
      }
    } else if ((ch === '*' || ch === '+' || ch === '{' || ch === '|') && stack.length) {
      const top = stack[stack.length - 1];
      if (top) top.quantified = true;
    }
  }
  try {
    // Compiled exactly as scoring uses it, so a pattern that passes here can never fail later.
    new RegExp(`^(?:${pattern})$`, 'iu');
  } catch {
    return 'fields.pattern.invalid';
  }
  return null;
}

const base = { text: text(2000), tags: z.array(z.string().trim().min(1).max(64)).max(20).default([]) };

export const questionInput = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('single'),
    ...base,
    options: z.array(option).min(2, 'fields.options.few').max(10, 'fields.options.many'),
  }),
  z.strictObject({
    kind: z.literal('multiple'),
    ...base,
    scoring: z.enum(['all_or_nothing', 'partial']).default('all_or_nothing'),
    options: z.array(option).min(2, 'fields.options.few').max(10, 'fields.options.many'),
  }),
  z.strictObject({ kind: z.literal('true_false'), ...base, answer: z.boolean() }),
  z.strictObject({
    kind: z.literal('short_answer'),
    ...base,
    match: z.enum(['exact', 'pattern']).default('exact'),
    caseSensitive: z.boolean().default(false),
    accepted: z.array(z.string().trim().min(1).max(PATTERN_MAX_LENGTH)).min(1, 'fields.accepted').max(20),
  }),
]);

/** Rules that span fields; path-precise so import errors name the exact spot. */
export const questionSchema = questionInput.superRefine((q, ctx) => {
  if (q.kind === 'single' && q.options.filter((o) => o.correct).length !== 1)
    ctx.addIssue({ code: 'custom', path: ['options'], message: 'fields.options.oneCorrect' });
  if (q.kind === 'multiple' && q.options.filter((o) => o.correct).length < 1)
    ctx.addIssue({ code: 'custom', path: ['options'], message: 'fields.options.someCorrect' });
  if (q.kind === 'short_answer' && q.match === 'pattern')
    q.accepted.forEach((pattern, i) => {
      const reason = unsafePatternReason(pattern);
      if (reason) ctx.addIssue({ code: 'custom', path: ['accepted', i], message: reason });
    });
});

export type QuestionInput = z.output<typeof questionInput>;

/**
 * Stored form: options get stable ids so answers survive reordering. In an attempt's snapshot each option carries a
 * random opaque id instead (the id the candidate sees and answers with) and its authoring id in `authoredId`.
 */
export type QuestionContent =
  | {
      kind: 'single' | 'multiple';
      text: string;
      scoring?: 'all_or_nothing' | 'partial';
      options: { id: string; text: string; correct: boolean; authoredId?: string }[];
    }
  | { kind: 'true_false'; text: string; answer: boolean }
  | { kind: 'short_answer'; text: string; match: 'exact' | 'pattern'; caseSensitive: boolean; accepted: string[] };

export function toContent(input: QuestionInput): QuestionContent {
  switch (input.kind) {
    case 'single':
      return { kind: 'single', text: input.text, options: input.options.map((o, i) => ({ id: `o${i + 1}`, ...o })) };
    case 'multiple':
      return {
        kind: 'multiple',
        text: input.text,
        scoring: input.scoring,
        options: input.options.map((o, i) => ({ id: `o${i + 1}`, ...o })),
      };
    case 'true_false':
      return { kind: 'true_false', text: input.text, answer: input.answer };
    case 'short_answer':
      return {
        kind: 'short_answer',
        text: input.text,
        match: input.match,
        caseSensitive: input.caseSensitive,
        accepted: input.accepted,
      };
  }
}

/** Back to the import/export document form. */
export function toInput(content: QuestionContent, tags: string[]): QuestionInput {
  switch (content.kind) {
    case 'single':
      return {
        kind: 'single',
        text: content.text,
        tags,
        options: content.options.map(({ text, correct }) => ({ text, correct })),
      };
    case 'multiple':
      return {
        kind: 'multiple',
        text: content.text,
        tags,
        scoring: content.scoring ?? 'all_or_nothing',
        options: content.options.map(({ text, correct }) => ({ text, correct })),
      };
    case 'true_false':
      return { kind: 'true_false', text: content.text, tags, answer: content.answer };
    case 'short_answer':
      return {
        kind: 'short_answer',
        text: content.text,
        tags,
        match: content.match,
        caseSensitive: content.caseSensitive,
        accepted: content.accepted,
      };
  }
}

/** An answer in authoring option ids (`o1`, `o2`): how reports compare attempts whose options had other ids. */
export function authoredAnswer(content: QuestionContent, answer: Answer): Answer {
  if (content.kind !== 'single' && content.kind !== 'multiple') return answer;
  const authored = (id: string) => content.options.find((o) => o.id === id)?.authoredId ?? id;
  return Array.isArray(answer) ? answer.map(authored) : authored(answer);
}

/** What a candidate sees: no correct flags, no accepted answers. */
export interface PublicQuestion {
  kind: QuestionContent['kind'];
  text: string;
  options?: { id: string; text: string }[];
}

export function publicView(content: QuestionContent): PublicQuestion {
  if (content.kind === 'single' || content.kind === 'multiple')
    return { kind: content.kind, text: content.text, options: content.options.map(({ id, text }) => ({ id, text })) };
  if (content.kind === 'true_false')
    return {
      kind: 'true_false',
      text: content.text,
      options: [
        { id: 'true', text: 'True' },
        { id: 'false', text: 'False' },
      ],
    };
  return { kind: content.kind, text: content.text };
}

export type Answer = string | string[];

export const answerSchema = z.union([
  z.string().max(ANSWER_MAX_LENGTH, 'fields.tooLong'),
  z.array(z.string().max(64)).max(10),
]);

/** The correct answer as shown in a review. */
export function correctAnswer(content: QuestionContent): Answer {
  if (content.kind === 'single') return content.options.find((o) => o.correct)?.id ?? '';
  if (content.kind === 'multiple') return content.options.filter((o) => o.correct).map((o) => o.id);
  if (content.kind === 'true_false') return String(content.answer);
  return content.kind === 'short_answer' ? (content.accepted[0] ?? '') : '';
}

/** Points in [0, 1] for one answer. Unanswered scores 0. */
export function scoreAnswer(content: QuestionContent, answer: Answer | undefined): number {
  if (answer === undefined) return 0;
  switch (content.kind) {
    case 'single':
      return typeof answer === 'string' && content.options.some((o) => o.correct && o.id === answer) ? 1 : 0;
    case 'true_false':
      return answer === String(content.answer) ? 1 : 0;
    case 'multiple': {
      const chosen = new Set(Array.isArray(answer) ? answer : [answer]);
      const correct = content.options.filter((o) => o.correct);
      const right = correct.filter((o) => chosen.has(o.id)).length;
      const wrong = content.options.filter((o) => !o.correct && chosen.has(o.id)).length;
      if ((content.scoring ?? 'all_or_nothing') === 'all_or_nothing')
        return right === correct.length && wrong === 0 ? 1 : 0;
      return Math.max(0, (right - wrong) / correct.length);
    }
    case 'short_answer': {
      if (typeof answer !== 'string') return 0;
      const given = answer.trim().slice(0, ANSWER_MAX_LENGTH);
      if (!given) return 0;
      if (content.match === 'exact') {
        const norm = (s: string) => (content.caseSensitive ? s : s.toLowerCase());
        return content.accepted.some((a) => norm(a.trim()) === norm(given)) ? 1 : 0;
      }
      return content.accepted.some((p) => new RegExp(`^(?:${p})$`, content.caseSensitive ? 'u' : 'iu').test(given))
        ? 1
        : 0;
    }
  }
}

export const isAnswered = (answer: Answer | undefined) =>
  answer !== undefined && (Array.isArray(answer) ? answer.length > 0 : answer.trim() !== '');
