import { sql } from 'kysely';
import Papa from 'papaparse';
import { UTF8_BOM } from '../web/csv.ts';
import { getExam } from './authoring.ts';
import type { ExamsDeps } from './context.ts';
import { finaliseAttempt } from './finalise.ts';
import { type QuestionTally, tallyQuestion } from './option-stats.ts';
import { type Answer, type QuestionContent, scoreAnswer } from './questions.ts';
import type { DrawnQuestion } from './tables.ts';

// Per-exam report: attempts, pass rate, score distribution, item analysis (facility; discrimination upper vs lower 27 %),
// and what candidates chose per option. The counts, pass rate, mean and distribution are computed by the database.

export interface ItemStats {
  questionId: string;
  text: string;
  responses: number;
  /** Mean points (0..1) of everyone who drew the question. */
  facility: number | null;
  /** Mean points of the top 27 % minus the bottom 27 % (by total score). */
  discrimination: number | null;
  /** Per option: how many chose it (single, multiple, true/false); short answers: the answers given most often. */
  tally: QuestionTally;
}

export interface ExamReport {
  examId: string;
  title: string;
  /** The pass mark (%) of the exam version reported on. */
  passMark: number;
  attempts: number;
  finished: number;
  passed: number;
  passRate: number | null;
  meanScore: number | null;
  /** Ten buckets: 0-9, 10-19, ... 90-100 (%). */
  distribution: number[];
  items: ItemStats[];
  rows: {
    attemptId: string;
    email: string;
    name: string;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    scorePercent: number | null;
    passed: boolean | null;
  }[];
}

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

const finishedAttempt = sql`status <> 'in_progress'`;
/** Attempts per 10 % band (the last band holds 90-100 %): a comparison ladder, the same on SQLite and PostgreSQL. */
const band = (i: number) =>
  sql<number>`sum(case when ${finishedAttempt} and coalesce(score_percent, 0) >= ${sql.lit(i * 10)}${
    i < 9 ? sql` and coalesce(score_percent, 0) < ${sql.lit(i * 10 + 10)}` : sql``
  } then 1 else 0 end)`.as(`band${i}`);

/** Attempts of this exam past their deadline are closed first, so the report never shows one as still running. */
async function finaliseOverdueOf(deps: ExamsDeps, examId: string) {
  const due = await deps.db
    .selectFrom('exam_attempts')
    .select('id')
    .where('exam_id', '=', examId)
    .where('status', '=', 'in_progress')
    .where('deadline_at', '<=', deps.clock().toISOString())
    .execute();
  for (const { id } of due) await finaliseAttempt(deps, id, 'deadline');
}

/** The report's counts, pass rate, mean score and distribution, aggregated by the database. */
async function examFigures(deps: ExamsDeps, examId: string) {
  const row = await deps.db
    .selectFrom('exam_attempts')
    .select([
      sql<number>`count(*)`.as('attempts'),
      sql<number>`sum(case when ${finishedAttempt} then 1 else 0 end)`.as('finished'),
      sql<number>`sum(case when ${finishedAttempt} and passed = 1 then 1 else 0 end)`.as('passed'),
      sql<number | null>`avg(case when ${finishedAttempt} then coalesce(score_percent, 0) end)`.as('mean'),
      ...Array.from({ length: 10 }, (_, i) => band(i)),
    ])
    .where('exam_id', '=', examId)
    .executeTakeFirstOrThrow();
  // PostgreSQL answers bigint and numeric aggregates as text.
  const figures = row as unknown as Record<string, string | number | null>;
  const count = (name: string) => Number(figures[name] ?? 0);
  const finished = count('finished');
  const passed = count('passed');
  return {
    attempts: count('attempts'),
    finished,
    passed,
    passRate: finished ? round(passed / finished) : null,
    meanScore: figures.mean === null || figures.mean === undefined ? null : round(Number(figures.mean)),
    distribution: Array.from({ length: 10 }, (_, i) => count(`band${i}`)),
  };
}

export async function examReport(deps: ExamsDeps, examId: string): Promise<ExamReport> {
  const exam = await getExam(deps, examId);
  await finaliseOverdueOf(deps, examId);
  const figures = await examFigures(deps, examId);
  const attempts = await deps.db
    .selectFrom('exam_attempts')
    .innerJoin('accounts', 'accounts.id', 'exam_attempts.account_id')
    .select([
      'exam_attempts.id',
      'exam_attempts.status',
      'exam_attempts.started_at',
      'exam_attempts.finished_at',
      'exam_attempts.score_percent',
      'exam_attempts.passed',
      'exam_attempts.questions',
      'accounts.email',
      'accounts.name',
    ])
    .where('exam_attempts.exam_id', '=', examId)
    .orderBy('exam_attempts.started_at')
    .execute();
  const finished = attempts.filter((a) => a.status !== 'in_progress');
  const answers = await deps.db
    .selectFrom('attempt_answers')
    .innerJoin('exam_attempts', 'exam_attempts.id', 'attempt_answers.attempt_id')
    .select(['attempt_answers.attempt_id', 'attempt_answers.position', 'attempt_answers.answer'])
    .where('exam_attempts.exam_id', '=', examId)
    .where('exam_attempts.status', '!=', 'in_progress')
    .execute();
  const answerOf = new Map(answers.map((a) => [`${a.attempt_id}:${a.position}`, JSON.parse(a.answer) as Answer]));
  // Per question id: each draw's snapshot and answer, for the per-option tallies.
  const draws = new Map<string, { content: QuestionContent; answer: Answer | undefined }[]>();
  // Per attempt: question id -> points, scored against the attempt's own snapshot.
  const scored = finished.map((a) => {
    const drawn = JSON.parse(a.questions) as DrawnQuestion[];
    const points = new Map<string, number>();
    const texts = new Map<string, string>();
    drawn.forEach((q, i) => {
      const answer = answerOf.get(`${a.id}:${i}`);
      points.set(q.questionId, scoreAnswer(q.content, answer));
      texts.set(q.questionId, q.content.text);
      draws.set(q.questionId, [...(draws.get(q.questionId) ?? []), { content: q.content, answer }]);
    });
    return { total: a.score_percent ?? 0, points, texts };
  });
  const sorted = [...scored].sort((x, y) => y.total - x.total);
  const groupSize = Math.max(1, Math.round(sorted.length * 0.27));
  const upper = sorted.slice(0, groupSize);
  const lower = sorted.slice(-groupSize);
  const questionIds = new Map<string, string>();
  for (const s of scored) for (const [id, text] of s.texts) if (!questionIds.has(id)) questionIds.set(id, text);
  const pointsIn = (group: typeof scored, id: string) =>
    group.flatMap((s) => (s.points.has(id) ? [s.points.get(id) as number] : []));
  const items = [...questionIds].map(([questionId, text]) => {
    const all = pointsIn(scored, questionId);
    const up = mean(pointsIn(upper, questionId));
    const low = mean(pointsIn(lower, questionId));
    return {
      questionId,
      text,
      responses: all.length,
      facility: round(mean(all)),
      discrimination: sorted.length >= 2 && up !== null && low !== null ? round(up - low) : null,
      tally: tallyQuestion(draws.get(questionId) ?? []),
    };
  });
  return {
    examId,
    title: exam.title,
    passMark: exam.pass_mark,
    ...figures,
    items,
    rows: attempts.map((a) => ({
      attemptId: a.id,
      email: a.email,
      name: a.name,
      status: a.status,
      startedAt: a.started_at,
      finishedAt: a.finished_at,
      scorePercent: a.status === 'in_progress' ? null : a.score_percent,
      passed: a.status === 'in_progress' ? null : a.passed === 1,
    })),
  };
}

/** Cells that spreadsheets would run as formulas are prefixed with a quote. */
const cell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
};

export function reportCsv(report: ExamReport): string {
  const attempts = Papa.unparse({
    fields: ['attempt_id', 'email', 'name', 'status', 'started_at', 'finished_at', 'score_percent', 'passed'],
    data: report.rows.map((r) =>
      [r.attemptId, r.email, r.name, r.status, r.startedAt, r.finishedAt, r.scorePercent, r.passed].map(cell),
    ),
  });
  const items = Papa.unparse({
    fields: ['question_id', 'question', 'responses', 'facility', 'discrimination'],
    data: report.items.map((i) => [i.questionId, i.text, i.responses, i.facility, i.discrimination].map(cell)),
  });
  return `${UTF8_BOM}${attempts}\r\n\r\n${items}\r\n`;
}

/** Server-rendered bar chart of the score distribution (no script, no external assets); `label` describes it. */
const escapeAttribute = (text: string) =>
  text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] as string);

/** Where the pass mark falls on the chart: bands are 36 units wide from x = 30, so 1 % is 3.6 units. */
const passMarkX = (percent: number) => Math.round((30 + Math.min(100, Math.max(0, percent)) * 3.6) * 10) / 10;

/** The bar chart; `passMark.label` names the dashed line drawn at the pass mark (the chart's label says it too). */
export function distributionSvg(
  distribution: number[],
  label: string,
  passMark?: { percent: number; label: string },
): string {
  const max = Math.max(1, ...distribution);
  const bars = distribution
    .map((count, i) => {
      const height = Math.round((count / max) * 112);
      const x = 30 + i * 36;
      return `<rect x="${x}" y="${140 - height}" width="28" height="${height}" fill="#3558a8"><title>${i * 10}-${i === 9 ? 100 : i * 10 + 9} %: ${count}</title></rect><text x="${x + 14}" y="156" font-size="9" text-anchor="middle">${i * 10}</text><text x="${x + 14}" y="${136 - height}" font-size="9" text-anchor="middle">${count}</text>`;
    })
    .join('');
  const line = passMark
    ? (() => {
        const x = passMarkX(passMark.percent);
        const anchor = x > 300 ? 'end' : 'start';
        const textX = anchor === 'end' ? x - 3 : x + 3;
        return `<g class="pass-mark"><line x1="${x}" y1="14" x2="${x}" y2="140" stroke="#b3261e" stroke-width="2" stroke-dasharray="4 3"/><text x="${textX}" y="12" font-size="10" fill="#b3261e" text-anchor="${anchor}">${escapeAttribute(passMark.label)}</text></g>`;
      })()
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 170" width="400" height="170" role="img" aria-label="${escapeAttribute(label)}"><line x1="26" y1="140" x2="394" y2="140" stroke="#333"/>${bars}${line}</svg>`;
}
