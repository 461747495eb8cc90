// Draw rules (issue 17): an attempt draws so many questions from each tag ("5 from networking, 3 from security"), the
// rest of the exam's question count from the questions no rule claims, so each rule's count is exact. A question carrying two ruled tags belongs to the first
// rule that names one of them, so it is counted once and can never be drawn twice.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FieldMessages } from '../http/errors.ts';
import { message } from '../i18n/messages.ts';

/** Rules an exam may hold: a syllabus's sections, not a taxonomy. */
export const DRAW_RULES_MAX = 20;

export const drawRule = z.strictObject({
  tag: z.string().trim().min(1, 'exams.drawRules.tagNeeded').max(64, 'fields.tooLong'),
  count: z
    .number('exams.drawRules.countInvalid')
    .int('exams.drawRules.countInvalid')
    .min(1, 'exams.drawRules.countInvalid')
    .max(500, 'exams.drawRules.countInvalid'),
});
export type DrawRule = z.output<typeof drawRule>;

export const drawRules = z
  .array(drawRule)
  .max(DRAW_RULES_MAX, 'exams.drawRules.tooManyRules')
  .default([])
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      if (seen.has(rule.tag))
        ctx.addIssue({ code: 'custom', path: [index, 'tag'], message: 'exams.drawRules.repeated' });
      seen.add(rule.tag);
    });
  });

/** The stored column: JSON, [] for "draw from the whole bank". */
export const readDrawRules = (column: string): DrawRule[] => JSON.parse(column) as DrawRule[];

/** What a rule needs of a question: its tags. */
export interface Drawable {
  tags: readonly string[];
}

/** Each rule's pool (questions whose first ruled tag is the rule's) and the questions no rule claims. */
export function rulePools<Q extends Drawable>(bank: readonly Q[], rules: readonly DrawRule[]) {
  const pools: Q[][] = rules.map(() => []);
  const unruled: Q[] = [];
  for (const question of bank) {
    const owner = rules.findIndex((rule) => question.tags.includes(rule.tag));
    if (owner === -1) unruled.push(question);
    else pools[owner]?.push(question);
  }
  return { pools, unruled };
}

/**
 * What stops the rules from being drawn from this bank, by field (`drawRules.1.count`, `questionCount`): a tag no
 * question carries, a count larger than the tag's questions left to it, rules that take more than the exam draws.
 * Too few questions for the rest of the count is checked when publishing only (`complete`): a draft grows.
 */
export function drawRuleProblems(
  bank: readonly Drawable[],
  rules: readonly DrawRule[],
  questionCount: number,
  complete = false,
) {
  const problems: FieldMessages = {};
  const { pools, unruled } = rulePools(bank, rules);
  rules.forEach((rule, index) => {
    const holds = bank.filter((q) => q.tags.includes(rule.tag)).length;
    const left = pools[index]?.length ?? 0;
    if (holds === 0) problems[`drawRules.${index}.tag`] = message('exams.drawRules.unknownTag', { tag: rule.tag });
    else if (left < rule.count)
      problems[`drawRules.${index}.count`] =
        left < holds
          ? message('exams.drawRules.shared', { tag: rule.tag, holds, shared: holds - left, left })
          : message('exams.drawRules.tooMany', { tag: rule.tag, holds });
  });
  const ruled = rules.reduce((sum, rule) => sum + rule.count, 0);
  if (ruled > questionCount) problems.questionCount = message('exams.drawRules.aboveTotal', { ruled });
  else if (complete && rules.length > 0 && unruled.length < questionCount - ruled)
    problems.questionCount = message('exams.drawRules.restShort', {
      ruled,
      rest: questionCount - ruled,
      unruled: unruled.length,
    });
  return problems;
}

/**
 * A stream of integers fixed by the seed (the attempt's id): the same attempt always draws the same questions, and
 * the draw can be replayed to explain it. SHA-256 in counter mode; 48 bits a number keeps the modulo bias invisible.
 */
export function seededInts(seed: string): (below: number) => number {
  let counter = 0;
  return (below) => {
    const digest = createHash('sha256').update(`${seed}\u0000${counter++}`).digest();
    return digest.readUIntBE(0, 6) % below;
  };
}

export function seededShuffle<T>(items: readonly T[], next: (below: number) => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = next(i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/**
 * The questions one attempt draws: each rule's count from its pool, then the rest of `questionCount` from the
 * questions no rule claims. Null when the bank cannot satisfy the rules (publishing refuses such an exam).
 */
export function drawQuestions<Q extends Drawable>(
  bank: readonly Q[],
  rules: readonly DrawRule[],
  questionCount: number,
  seed: string,
): Q[] | null {
  const next = seededInts(seed);
  const { pools, unruled } = rulePools(bank, rules);
  const drawn = new Set<Q>();
  for (const [index, rule] of rules.entries()) {
    const pool = pools[index] ?? [];
    if (pool.length < rule.count) return null;
    for (const question of seededShuffle(pool, next).slice(0, rule.count)) drawn.add(question);
  }
  const rest = questionCount - drawn.size;
  if (rest < 0) return null;
  if (unruled.length < rest) return null;
  for (const question of seededShuffle(unruled, next).slice(0, rest)) drawn.add(question);
  return [...drawn];
}
