// Changing an exam after it exists: the next version of a published one, a duplicate, the order of its questions.

import { writeTransaction } from '../db/transaction.ts';
import {
  assertDraft,
  createExam,
  type ExamSettings,
  findQuestion,
  getExam,
  listQuestions,
  type QuestionContentWithTags,
  toExamView,
} from './authoring.ts';
import type { ExamsDeps } from './context.ts';
import type { QuestionContent } from './questions.ts';
import type { Exam } from './tables.ts';

const settingsOf = (exam: Exam): ExamSettings => {
  const { id, published, seriesId, version, frozen, createdAt, updatedAt, ...settings } = toExamView(exam);
  return settings;
};

const bankOf = async (deps: ExamsDeps, exam: Exam): Promise<QuestionContentWithTags[]> =>
  (await listQuestions(deps, exam.id)).map((row) => ({
    content: JSON.parse(row.content) as QuestionContent,
    tags: JSON.parse(row.tags) as string[],
  }));

/** The draft where a frozen exam's changes go: the series' open draft when there is one, else a copy as version n+1. */
export async function draftVersion(deps: ExamsDeps, examId: string): Promise<Exam> {
  const exam = await getExam(deps, examId);
  if (exam.frozen_at === null) return exam;
  const series = await deps.db
    .selectFrom('exams')
    .selectAll()
    .where('series_id', '=', exam.series_id)
    .orderBy('version', 'desc')
    .execute();
  const open = series.find((e) => e.frozen_at === null);
  if (open) return open;
  const latest = series[0] ?? exam;
  return createExam(deps, settingsOf(latest), await bankOf(deps, latest), {
    seriesId: exam.series_id,
    version: latest.version + 1,
  });
}

/** A separate exam (a series of its own) with the same settings and questions, under a new title. */
export async function duplicateExam(deps: ExamsDeps, examId: string, title: string): Promise<Exam> {
  const exam = await getExam(deps, examId);
  return createExam(deps, { ...settingsOf(exam), title }, await bankOf(deps, exam));
}

/** Swaps a question with its neighbour in the bank's order; at either end it stays where it is. */
export async function moveQuestion(
  deps: ExamsDeps,
  examId: string,
  questionId: string,
  direction: 'up' | 'down',
): Promise<void> {
  assertDraft(await getExam(deps, examId));
  await findQuestion(deps, examId, questionId);
  await writeTransaction(deps.db, async (trx) => {
    const rows = await trx
      .selectFrom('exam_questions')
      .select(['id', 'position'])
      .where('exam_id', '=', examId)
      .where('archived', '=', 0)
      .orderBy('position')
      .execute();
    const at = rows.findIndex((r) => r.id === questionId);
    const other = rows[direction === 'up' ? at - 1 : at + 1];
    const self = rows[at];
    if (!other || !self) return;
    const now = deps.clock().toISOString();
    await trx
      .updateTable('exam_questions')
      .set({ position: other.position, updated_at: now })
      .where('id', '=', self.id)
      .execute();
    await trx
      .updateTable('exam_questions')
      .set({ position: self.position, updated_at: now })
      .where('id', '=', other.id)
      .execute();
  });
}
