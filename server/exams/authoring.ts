import { z } from 'zod';
import { newId } from '../auth/secrets.ts';
import { writeTransaction } from '../db/transaction.ts';
import { ApiError, type FieldMessages, issueMessage, notFound, validationFailed } from '../http/errors.ts';
import { singleLine } from '../http/schemas.ts';
import { type I18n, localise, message } from '../i18n/messages.ts';
import { termText } from '../web/licence-term.ts';
import type { ExamsDeps } from './context.ts';
import { type DrawRule, drawRuleProblems, drawRules, readDrawRules } from './draw-rules.ts';
import { type QuestionContent, questionSchema, toContent, toInput } from './questions.ts';
import type { Exam, ExamQuestionRow } from './tables.ts';

// Authoring: exam settings, the question bank, publishing (refused while the licence is expired), import/export.

export const examSettings = z.strictObject({
  title: singleLine(z.string().trim().min(1, 'fields.title').max(200, 'fields.tooLong')),
  description: z.string().trim().max(5000).default(''),
  timeLimitMinutes: z
    .number('exams.fields.timeLimit')
    .int('exams.fields.timeLimit')
    .min(1, 'exams.fields.timeLimit')
    .max(24 * 60, 'exams.fields.timeLimit'),
  passMark: z
    .number('exams.fields.passMark')
    .int('exams.fields.passMark')
    .min(0, 'exams.fields.passMark')
    .max(100, 'exams.fields.passMark'),
  attemptsAllowed: z
    .number('exams.fields.attempts')
    .int('exams.fields.attempts')
    .min(1, 'exams.fields.attempts')
    .max(100, 'exams.fields.attempts')
    .nullable()
    .default(null),
  cooldownMinutes: z
    .number('exams.fields.cooldown')
    .int('exams.fields.cooldown')
    .min(0, 'exams.fields.cooldown')
    .max(525_600, 'exams.fields.cooldown')
    .default(0),
  validityMonths: z
    .number('exams.fields.validity')
    .int('exams.fields.validity')
    .min(1, 'exams.fields.validity')
    .max(600, 'exams.fields.validity')
    .nullable()
    .default(null),
  reviewPolicy: z.enum(['score_only', 'score_and_answers', 'after_date']).default('score_only'),
  reviewAfter: z.iso.datetime({ offset: true }).nullable().default(null),
  questionCount: z
    .number('exams.fields.questionCount')
    .int('exams.fields.questionCount')
    .min(1, 'exams.fields.questionCount')
    .max(500, 'exams.fields.questionCount'),
  drawRules,
  shuffleQuestions: z.boolean().default(false),
  shuffleOptions: z.boolean().default(false),
});
export type ExamSettings = z.output<typeof examSettings>;

export const examSettingsPatch = examSettings.partial();

const withReviewDate = <T extends z.ZodType<ExamSettings>>(schema: T) =>
  schema.superRefine((s, ctx) => {
    if (s.reviewPolicy === 'after_date' && !s.reviewAfter)
      ctx.addIssue({ code: 'custom', path: ['reviewAfter'], message: 'fields.reviewAfter' });
  });

export const examCreateBody = withReviewDate(examSettings);

/** Documents written before draw rules name one tag to draw every question from: that is one rule. */
const withLegacyDrawTag = (exam: unknown) => {
  if (typeof exam !== 'object' || exam === null || !('drawTag' in exam)) return exam;
  const { drawTag, ...rest } = exam as Record<string, unknown>;
  if (typeof drawTag !== 'string' || drawTag.trim() === '' || 'drawRules' in rest) return rest;
  return { ...rest, drawRules: [{ tag: drawTag, count: rest.questionCount }] };
};

export const examDocument = z.strictObject({
  format: z.literal('seatkeeper-exam/1'),
  exam: z.preprocess(withLegacyDrawTag, examCreateBody),
  questions: z.array(questionSchema).max(2000),
});
export type ExamDocument = z.output<typeof examDocument>;

/** `questions[3].options[1].text: message` for every issue, so authors can find the spot in their file. */
export function documentErrors(error: z.ZodError): FieldMessages {
  const fields: FieldMessages = {};
  for (const issue of error.issues) {
    const path =
      issue.path.reduce<string>(
        (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
        '',
      ) || '(document)';
    fields[path] ??= issueMessage(issue);
  }
  return fields;
}

export interface ExamView {
  id: string;
  title: string;
  description: string;
  timeLimitMinutes: number;
  passMark: number;
  attemptsAllowed: number | null;
  cooldownMinutes: number;
  validityMonths: number | null;
  reviewPolicy: Exam['review_policy'];
  reviewAfter: string | null;
  questionCount: number;
  drawRules: DrawRule[];
  shuffleQuestions: boolean;
  shuffleOptions: boolean;
  published: boolean;
  /** The exam and its other versions share this id. */
  seriesId: string;
  version: number;
  /** Published once: never edited again; changes go into the next version. */
  frozen: boolean;
  createdAt: string;
  updatedAt: string;
}

export const toExamView = (e: Exam): ExamView => ({
  id: e.id,
  title: e.title,
  description: e.description,
  timeLimitMinutes: e.time_limit_minutes,
  passMark: e.pass_mark,
  attemptsAllowed: e.attempts_allowed,
  cooldownMinutes: e.cooldown_minutes,
  validityMonths: e.validity_months,
  reviewPolicy: e.review_policy,
  reviewAfter: e.review_after,
  questionCount: e.question_count,
  drawRules: readDrawRules(e.draw_rules),
  shuffleQuestions: e.shuffle_questions === 1,
  shuffleOptions: e.shuffle_options === 1,
  published: e.published === 1,
  seriesId: e.series_id,
  version: e.version,
  frozen: e.frozen_at !== null,
  createdAt: e.created_at,
  updatedAt: e.updated_at,
});

const columns = (s: Partial<ExamSettings>) => ({
  ...(s.title !== undefined && { title: s.title }),
  ...(s.description !== undefined && { description: s.description }),
  ...(s.timeLimitMinutes !== undefined && { time_limit_minutes: s.timeLimitMinutes }),
  ...(s.passMark !== undefined && { pass_mark: s.passMark }),
  ...(s.attemptsAllowed !== undefined && { attempts_allowed: s.attemptsAllowed }),
  ...(s.cooldownMinutes !== undefined && { cooldown_minutes: s.cooldownMinutes }),
  ...(s.validityMonths !== undefined && { validity_months: s.validityMonths }),
  ...(s.reviewPolicy !== undefined && { review_policy: s.reviewPolicy }),
  ...(s.reviewAfter !== undefined && { review_after: s.reviewAfter && new Date(s.reviewAfter).toISOString() }),
  ...(s.questionCount !== undefined && { question_count: s.questionCount }),
  ...(s.drawRules !== undefined && { draw_rules: JSON.stringify(s.drawRules) }),
  ...(s.shuffleQuestions !== undefined && { shuffle_questions: s.shuffleQuestions ? 1 : 0 }),
  ...(s.shuffleOptions !== undefined && { shuffle_options: s.shuffleOptions ? 1 : 0 }),
});

export async function findExam(deps: ExamsDeps, id: string): Promise<Exam | undefined> {
  return deps.db.selectFrom('exams').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getExam(deps: ExamsDeps, id: string): Promise<Exam> {
  const exam = await findExam(deps, id);
  if (!exam) throw notFound('errors.not_found.exam');
  return exam;
}

export async function listExams(deps: ExamsDeps, options: { publishedOnly?: boolean } = {}): Promise<Exam[]> {
  let query = deps.db.selectFrom('exams').selectAll().orderBy('title');
  if (options.publishedOnly) query = query.where('published', '=', 1);
  return query.execute();
}

/** Where a new exam sits: a series of its own, or the next version of one. */
export interface Lineage {
  seriesId: string;
  version: number;
}

export async function createExam(
  deps: ExamsDeps,
  settings: ExamSettings,
  questions: QuestionContentWithTags[] = [],
  lineage?: Lineage,
) {
  const now = deps.clock().toISOString();
  const id = newId();
  await writeTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('exams')
      .values({
        id,
        title: settings.title,
        description: settings.description,
        time_limit_minutes: settings.timeLimitMinutes,
        pass_mark: settings.passMark,
        attempts_allowed: settings.attemptsAllowed,
        cooldown_minutes: settings.cooldownMinutes,
        validity_months: settings.validityMonths,
        review_policy: settings.reviewPolicy,
        review_after: settings.reviewAfter && new Date(settings.reviewAfter).toISOString(),
        question_count: settings.questionCount,
        draw_rules: JSON.stringify(settings.drawRules),
        shuffle_questions: settings.shuffleQuestions ? 1 : 0,
        shuffle_options: settings.shuffleOptions ? 1 : 0,
        published: 0,
        series_id: lineage?.seriesId ?? id,
        version: lineage?.version ?? 1,
        frozen_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    let position = 0;
    for (const q of questions) {
      await trx
        .insertInto('exam_questions')
        .values({
          id: newId(),
          exam_id: id,
          position: position++,
          content: JSON.stringify(q.content),
          tags: JSON.stringify(q.tags),
          version: 1,
          archived: 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
  });
  return getExam(deps, id);
}

/** A new exam from its settings alone: its bank is empty, so any draw rule names a tag no question carries yet. */
export async function createEmptyExam(deps: ExamsDeps, settings: ExamSettings): Promise<Exam> {
  const problems = drawRuleProblems([], settings.drawRules, settings.questionCount);
  if (Object.keys(problems).length > 0) throw validationFailed(problems);
  return createExam(deps, settings);
}

/** A published version never changes: attempts and certificates point at it. Its next version is where edits go. */
export function assertDraft(exam: Exam): void {
  if (exam.frozen_at !== null) throw new ApiError(409, 'exam_frozen', 'errors.exam_frozen');
}

export async function updateExam(deps: ExamsDeps, id: string, patch: Partial<ExamSettings>): Promise<Exam> {
  const exam = await getExam(deps, id);
  assertDraft(exam);
  const merged = { ...toExamView(exam), ...patch };
  if (merged.reviewPolicy === 'after_date' && !merged.reviewAfter)
    throw validationFailed({ reviewAfter: 'fields.reviewAfter' });
  if (patch.drawRules !== undefined || patch.questionCount !== undefined) {
    const problems = drawRuleProblems(
      drawableBank(await listQuestions(deps, id)),
      merged.drawRules,
      merged.questionCount,
    );
    if (Object.keys(problems).length > 0) throw validationFailed(problems);
  }
  await deps.db
    .updateTable('exams')
    .set({ ...columns(patch), updated_at: deps.clock().toISOString() })
    .where('id', '=', id)
    .execute();
  return getExam(deps, id);
}

export async function setPublished(deps: ExamsDeps, id: string, published: boolean): Promise<Exam> {
  const exam = await getExam(deps, id);
  if (published) {
    const term = await deps.licenceTerm();
    if (term && term.publishingAllowed === false)
      throw new ApiError(
        409,
        'licence_expired',
        message('errors.licence_expired', { term: (reader) => termText(reader, term) }),
      );
    const available = await listQuestions(deps, exam.id);
    if (available.length < exam.question_count)
      throw new ApiError(
        409,
        'not_enough_questions',
        message('errors.not_enough_questions', { count: exam.question_count, available: available.length }),
      );
    const [problem] = Object.values(
      drawRuleProblems(drawableBank(available), readDrawRules(exam.draw_rules), exam.question_count, true),
    );
    if (problem) throw new ApiError(409, 'not_enough_questions', problem);
  }
  const now = deps.clock().toISOString();
  await writeTransaction(deps.db, async (trx) => {
    // One version of a series is open to candidates at a time: publishing this one closes the others.
    if (published)
      await trx
        .updateTable('exams')
        .set({ published: 0, updated_at: now })
        .where('series_id', '=', exam.series_id)
        .where('id', '!=', id)
        .where('published', '=', 1)
        .execute();
    await trx
      .updateTable('exams')
      .set({ published: published ? 1 : 0, updated_at: now, ...(published && { frozen_at: exam.frozen_at ?? now }) })
      .where('id', '=', id)
      .execute();
  });
  return getExam(deps, id);
}

export interface QuestionContentWithTags {
  content: QuestionContent;
  tags: string[];
}

export interface QuestionView {
  id: string;
  position: number;
  version: number;
  tags: string[];
  question: ReturnType<typeof toInput>;
}

export const toQuestionView = (row: ExamQuestionRow): QuestionView => {
  const tags = JSON.parse(row.tags) as string[];
  return {
    id: row.id,
    position: row.position,
    version: row.version,
    tags,
    question: toInput(JSON.parse(row.content) as QuestionContent, tags),
  };
};

export async function listQuestions(deps: ExamsDeps, examId: string): Promise<ExamQuestionRow[]> {
  return deps.db
    .selectFrom('exam_questions')
    .selectAll()
    .where('exam_id', '=', examId)
    .where('archived', '=', 0)
    .orderBy('position')
    .execute();
}

/** The bank as the draw sees it: each question with its tags read. */
export const drawableBank = (rows: readonly ExamQuestionRow[]) =>
  rows.map((row) => ({ row, tags: JSON.parse(row.tags) as string[] }));

export async function addQuestion(
  deps: ExamsDeps,
  examId: string,
  q: QuestionContentWithTags,
): Promise<ExamQuestionRow> {
  assertDraft(await getExam(deps, examId));
  const now = deps.clock().toISOString();
  const id = newId();
  const last = await deps.db
    .selectFrom('exam_questions')
    .select((eb) => eb.fn.max('position').as('max'))
    .where('exam_id', '=', examId)
    .executeTakeFirst();
  await deps.db
    .insertInto('exam_questions')
    .values({
      id,
      exam_id: examId,
      position: (last?.max ?? -1) + 1,
      content: JSON.stringify(q.content),
      tags: JSON.stringify(q.tags),
      version: 1,
      archived: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return deps.db.selectFrom('exam_questions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function findQuestion(deps: ExamsDeps, examId: string, questionId: string): Promise<ExamQuestionRow> {
  const row = await deps.db
    .selectFrom('exam_questions')
    .selectAll()
    .where('id', '=', questionId)
    .where('exam_id', '=', examId)
    .where('archived', '=', 0)
    .executeTakeFirst();
  if (!row) throw notFound('errors.not_found.question');
  return row;
}

/** Edits bump the version; attempts keep the snapshot they started with, so their scores never change. */
export async function updateQuestion(
  deps: ExamsDeps,
  examId: string,
  questionId: string,
  q: QuestionContentWithTags,
): Promise<ExamQuestionRow> {
  assertDraft(await getExam(deps, examId));
  const row = await findQuestion(deps, examId, questionId);
  await deps.db
    .updateTable('exam_questions')
    .set({
      content: JSON.stringify(q.content),
      tags: JSON.stringify(q.tags),
      version: row.version + 1,
      updated_at: deps.clock().toISOString(),
    })
    .where('id', '=', questionId)
    .execute();
  return findQuestion(deps, examId, questionId);
}

export async function archiveQuestion(deps: ExamsDeps, examId: string, questionId: string): Promise<void> {
  assertDraft(await getExam(deps, examId));
  await findQuestion(deps, examId, questionId);
  await deps.db
    .updateTable('exam_questions')
    .set({ archived: 1, updated_at: deps.clock().toISOString() })
    .where('id', '=', questionId)
    .execute();
}

export const fromInput = (input: z.output<typeof questionSchema>): QuestionContentWithTags => ({
  content: toContent(input),
  tags: input.tags,
});

/** What an invalid exam document gets: every problem by its path in the document, the first three in the message. */
export function documentProblems(error: z.ZodError): ApiError {
  const fields = documentErrors(error);
  const first = (reader: I18n) =>
    Object.entries(fields)
      .slice(0, 3)
      .map(([path, problem]) => `${path}: ${localise(problem, reader)}`)
      .join('; ');
  return new ApiError(400, 'validation_failed', message('errors.document_invalid', { first }), fields);
}

export function parseExamDocument(raw: unknown): ExamDocument {
  const parsed = examDocument.safeParse(raw);
  if (!parsed.success) throw documentProblems(parsed.error);
  return parsed.data;
}

/** Room for a bank of 2,000 questions (the largest an exam document may hold) with long texts and options. */
export const EXAM_DOCUMENT_LIMIT_BYTES = 16 * 1024 * 1024;

/** What to do when an imported document's title is already an exam's: refuse (ask), a separate exam, or its next version. */
export const importModes = ['new_exam', 'new_version'] as const;
export type ImportMode = (typeof importModes)[number];

export async function importExam(deps: ExamsDeps, doc: ExamDocument, mode?: ImportMode): Promise<Exam> {
  const questions = doc.questions.map(fromInput);
  if (mode === 'new_exam') return createExam(deps, doc.exam, questions);
  const namesake = await deps.db
    .selectFrom('exams')
    .select(['series_id'])
    .where('title', '=', doc.exam.title)
    .orderBy('updated_at', 'desc')
    .orderBy('version', 'desc')
    .executeTakeFirst();
  if (!namesake) return createExam(deps, doc.exam, questions);
  if (mode !== 'new_version')
    throw new ApiError(409, 'exam_title_exists', message('errors.exam_title_exists', { title: doc.exam.title }));
  const latest = await deps.db
    .selectFrom('exams')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('series_id', '=', namesake.series_id)
    .executeTakeFirstOrThrow();
  return createExam(deps, doc.exam, questions, { seriesId: namesake.series_id, version: Number(latest.version) + 1 });
}

export async function exportExam(deps: ExamsDeps, id: string): Promise<ExamDocument> {
  const exam = toExamView(await getExam(deps, id));
  const questions = (await listQuestions(deps, id)).map((r) => toQuestionView(r).question);
  return {
    format: 'seatkeeper-exam/1',
    exam: {
      title: exam.title,
      description: exam.description,
      timeLimitMinutes: exam.timeLimitMinutes,
      passMark: exam.passMark,
      attemptsAllowed: exam.attemptsAllowed,
      cooldownMinutes: exam.cooldownMinutes,
      validityMonths: exam.validityMonths,
      reviewPolicy: exam.reviewPolicy,
      reviewAfter: exam.reviewAfter,
      questionCount: exam.questionCount,
      drawRules: exam.drawRules,
      shuffleQuestions: exam.shuffleQuestions,
      shuffleOptions: exam.shuffleOptions,
    },
    questions,
  };
}

export async function setAccommodation(deps: ExamsDeps, examId: string, accountId: string, extraMinutes: number) {
  await getExam(deps, examId);
  const account = await deps.db.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst();
  if (!account) throw notFound('errors.not_found.account');
  const now = deps.clock().toISOString();
  await deps.db
    .insertInto('exam_accommodations')
    .values({ exam_id: examId, account_id: accountId, extra_minutes: extraMinutes, created_at: now })
    .onConflict((oc) => oc.columns(['exam_id', 'account_id']).doUpdateSet({ extra_minutes: extraMinutes }))
    .execute();
}
