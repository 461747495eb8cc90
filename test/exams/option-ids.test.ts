// Issue 17: shuffled options must not give the answer away. Each attempt's options carry random opaque ids, so
// neither the displayed position, nor the id's shape, nor an id seen in another attempt says which option is right.
import { describe, expect, it } from 'vitest';
import { authoredAnswer } from '../../server/exams/questions.ts';
import { drawOptions } from '../../server/exams/start.ts';
import { type AttemptJson, examWorld, startAttempt, submit } from '../support/exams.ts';
import { call, makeApp } from '../support/server.ts';

const ATTEMPTS = 400;
const QUESTIONS = 10;
const OPTIONS = 4;
const CHANCE = 1 / OPTIONS;
/**
 * Hoeffding: for n independent trials in [0, 1], P(|mean - p| >= t) <= 2 exp(-2 n t^2). With n = 400 x 10 = 4,000
 * questions and t = 0.06 that is 2 exp(-28.8) < 7e-13 per strategy: a fair shuffle never fails by bad luck, while
 * an order the ids or positions leak (100 % for "first" before this change) fails at once.
 */
const TOLERANCE = 0.06;
const hoeffding = (n: number, t: number) => 2 * Math.exp(-2 * n * t * t);

/** Ten single-choice questions, the right answer always written first (the case the issue reported). */
const rightAnswerFirst = Array.from({ length: QUESTIONS }, (_, i) => ({
  kind: 'single',
  text: `Question ${i + 1}`,
  options: Array.from({ length: OPTIONS }, (_, k) => ({ text: `Answer ${i + 1}.${k + 1}`, correct: k === 0 })),
}));

type Strategy = (attempt: AttemptJson, position: number) => string;
const pick = (attempt: AttemptJson, position: number) => attempt.questions[position]?.options ?? [];

describe('options with opaque ids per attempt', () => {
  it('answering the first option, the smallest id or a fixed id scores no better than chance', async () => {
    expect(hoeffding(ATTEMPTS * QUESTIONS, TOLERANCE)).toBeLessThan(1e-12);
    const ctx = await makeApp();
    const world = await examWorld(
      ctx,
      {
        questionCount: QUESTIONS,
        shuffleOptions: true,
        attemptsAllowed: null,
        cooldownMinutes: 0,
        passMark: 100,
        reviewPolicy: 'score_and_answers',
      },
      rightAnswerFirst,
    );
    const strategies: Record<string, Strategy> = {
      firstDisplayed: (a, p) => pick(a, p)[0]?.id ?? '',
      lastDisplayed: (a, p) => pick(a, p).at(-1)?.id ?? '',
      smallestId: (a, p) => [...pick(a, p)].map((o) => o.id).sort()[0] ?? '',
      authoringId: () => 'o1',
    };
    const totals = Object.fromEntries(Object.keys(strategies).map((name) => [name, 0]));
    let previousRight: string[] = [];
    let replayedRight = 0;
    const seen = new Set<string>();
    for (let n = 0; n < ATTEMPTS; n++) {
      const attempt = await startAttempt(ctx, world);
      for (const q of attempt.questions) {
        expect(q.options).toHaveLength(OPTIONS);
        for (const o of q.options ?? []) {
          expect(o.id).toMatch(/^[a-z2-7]{20}$/); // 96 random bits in base32
          expect(seen.has(o.id)).toBe(false);
          seen.add(o.id);
        }
      }
      // The server scores the "first displayed" answers; the others are judged against its review of the attempt.
      const answers = attempt.questions.map((q) => ({
        position: q.position,
        seq: 1,
        answer: strategies.firstDisplayed?.(attempt, q.position) ?? '',
      }));
      const saved = await call(ctx, 'POST', `/api/v1/attempts/${attempt.id}/answers`, {
        cookie: world.cookie,
        json: { answers },
      });
      expect(saved.status).toBe(200);
      const result = await submit(ctx, world.cookie, attempt.id);
      const review = (result.result?.review ?? []) as { position: number; points: number; correctAnswer: string }[];
      expect(review).toHaveLength(QUESTIONS);
      const right = review.map((r) => r.correctAnswer);
      const firstRight = review.filter((r) => r.points === 1).length;
      expect(result.result?.scorePercent).toBeCloseTo((100 * firstRight) / QUESTIONS, 5);
      for (const [name, strategy] of Object.entries(strategies))
        totals[name] = (totals[name] ?? 0) + right.filter((id, p) => strategy(attempt, p) === id).length;
      // Ids that were right in the previous attempt mean nothing in this one.
      replayedRight += right.filter((id) => previousRight.includes(id)).length;
      previousRight = right;
    }
    const trials = ATTEMPTS * QUESTIONS;
    for (const name of ['firstDisplayed', 'lastDisplayed', 'smallestId']) {
      const mean = (totals[name] ?? 0) / trials;
      expect(Math.abs(mean - CHANCE), `${name}: ${mean}`).toBeLessThan(TOLERANCE);
    }
    expect(totals.authoringId).toBe(0);
    expect(replayedRight).toBe(0);
  }, 120_000);

  it('keeps the authoring id beside each opaque one and leaves other kinds alone', () => {
    const content = {
      kind: 'multiple' as const,
      text: 'Pick',
      scoring: 'partial' as const,
      options: [
        { id: 'o1', text: 'a', correct: true },
        { id: 'o2', text: 'b', correct: false },
      ],
    };
    const drawn = drawOptions(content, false);
    if (drawn.kind !== 'multiple') throw new Error('kind changed');
    expect(drawn.options.map((o) => [o.authoredId, o.text, o.correct])).toEqual([
      ['o1', 'a', true],
      ['o2', 'b', false],
    ]);
    expect(drawn.options.map((o) => o.id)).not.toContain('o1');
    expect(content.options[0]?.id).toBe('o1');
    // Reports compare attempts by authoring ids.
    const [a, b] = drawn.options.map((o) => o.id) as [string, string];
    expect(authoredAnswer(drawn, [b, a])).toEqual(['o2', 'o1']);
    expect(authoredAnswer(drawn, 'unknown')).toBe('unknown');
    const tf = { kind: 'true_false' as const, text: 'Yes?', answer: true };
    expect(drawOptions(tf, true)).toBe(tf);
  });
});
