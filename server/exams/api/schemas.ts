// The exams API's request and response shapes. Responses use the API's field names (camelCase), never columns.
import { z } from 'zod';
import { examDocument } from '../authoring.ts';
import { answerSchema, questionInput } from '../questions.ts';

export const saveAnswersBody = z.strictObject({
  answers: z
    .array(
      z.strictObject({
        position: z.number().int().min(0).max(499),
        seq: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31),
        answer: answerSchema,
      }),
    )
    .min(1)
    .max(500),
});
export const extraTimeBody = z.strictObject({
  minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
});
export const accommodationBody = z.strictObject({
  accountId: z.string().min(1).max(32),
  extraMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60),
});
export const importQuery = z.object({
  mode: z
    .enum(['new_exam', 'new_version'])
    .optional()
    .describe(
      "When an exam already has the document's title: `new_exam` makes a separate exam, `new_version` the next draft version of it. Without it such an import answers 409 `exam_title_exists`.",
    ),
});
export const duplicateBody = z.strictObject({
  title: z.string().trim().min(1, 'fields.title').max(200, 'fields.tooLong'),
});
export const moveBody = z.strictObject({ direction: z.enum(['up', 'down']) });
export const questionParams = z.object({ id: z.string().max(64), questionId: z.string().max(64) });
export const reportQuery = z.object({
  format: z.enum(['json', 'csv']).optional().describe('`csv` for a spreadsheet of the attempts.'),
});

export const examView = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    timeLimitMinutes: z.number().int(),
    passMark: z.number().int(),
    attemptsAllowed: z.number().int().nullable(),
    cooldownMinutes: z.number().int(),
    validityMonths: z.number().int().nullable(),
    reviewPolicy: z.enum(['score_only', 'score_and_answers', 'after_date']),
    reviewAfter: z.string().nullable(),
    questionCount: z.number().int(),
    drawRules: z
      .array(z.object({ tag: z.string(), count: z.number().int() }))
      .describe('Questions drawn per tag; the rest from the whole bank.'),
    shuffleQuestions: z.boolean(),
    shuffleOptions: z.boolean(),
    published: z.boolean(),
    seriesId: z.string().describe('Shared by every version of this exam.'),
    version: z.number().int(),
    frozen: z.boolean().describe('Published once: never edited again; `POST /exams/{id}/versions` gives a draft.'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Exam' });
export const examResponse = z.object({ exam: examView });
export const examList = z.object({ items: z.array(examView) });

export const questionView = z
  .object({
    id: z.string(),
    position: z.number().int(),
    version: z.number().int(),
    tags: z.array(z.string()),
    question: questionInput,
  })
  .meta({ id: 'Question' });
export const questionResponse = z.object({ question: questionView });
export const questionList = z.object({ items: z.array(questionView) });

export const examDocumentResponse = examDocument.meta({ id: 'ExamDocument' });

export const examReport = z
  .object({
    examId: z.string(),
    title: z.string(),
    passMark: z.number().describe('The pass mark (%) of this exam version.'),
    attempts: z.number().int(),
    finished: z.number().int(),
    passed: z.number().int(),
    passRate: z.number().nullable(),
    meanScore: z.number().nullable(),
    distribution: z.array(z.number().int()).describe('Ten buckets: 0-9, 10-19, ... 90-100 (%).'),
    items: z.array(
      z.object({
        questionId: z.string(),
        text: z.string(),
        responses: z.number().int(),
        facility: z.number().nullable(),
        discrimination: z.number().nullable(),
        tally: z
          .object({
            options: z.array(
              z.object({
                id: z.string().describe('Authoring id (o1, o2, ...; true/false), whatever id an attempt showed.'),
                text: z.string(),
                correct: z.boolean(),
                chosen: z.number().int(),
                share: z.number().nullable(),
              }),
            ),
            answers: z.array(z.object({ answer: z.string(), count: z.number().int(), correct: z.boolean() })),
            distinctAnswers: z.number().int(),
          })
          .describe('How many chose each option; short answers: the most frequent answers, normalised as scored.'),
      }),
    ),
    rows: z.array(
      z.object({
        attemptId: z.string(),
        email: z.string(),
        name: z.string(),
        status: z.string(),
        startedAt: z.string(),
        finishedAt: z.string().nullable(),
        scorePercent: z.number().nullable(),
        passed: z.boolean().nullable(),
      }),
    ),
  })
  .meta({ id: 'ExamReport' });

const attemptStatus = z.enum(['in_progress', 'submitted', 'expired']);

export const attemptView = z
  .object({
    id: z.string(),
    examId: z.string(),
    examTitle: z.string(),
    status: attemptStatus,
    startedAt: z.string(),
    deadlineAt: z.string(),
    secondsLeft: z.number().int(),
    finishedAt: z.string().nullable(),
    questions: z.array(
      z.object({
        position: z.number().int(),
        kind: z.enum(['single', 'multiple', 'true_false', 'short_answer']),
        text: z.string(),
        options: z.array(z.object({ id: z.string(), text: z.string() })).optional(),
        answer: answerSchema.nullable(),
        seq: z.number().int(),
        flagged: z.boolean().describe('Flagged for review by the candidate.'),
      }),
    ),
    result: z
      .union([
        z.object({ released: z.literal(false), releasedAt: z.string().nullable() }),
        z.object({
          released: z.literal(true),
          scorePercent: z.number(),
          passed: z.boolean(),
          passMark: z.number(),
          review: z
            .array(z.object({ position: z.number().int(), points: z.number(), correctAnswer: answerSchema }))
            .nullable(),
        }),
      ])
      .nullable()
      .describe('null while the attempt is in progress; the score only once the review policy releases it.'),
    certificateId: z.string().nullable(),
  })
  .meta({ id: 'Attempt' });
export const attemptResponse = z.object({ attempt: attemptView });

export const flagBody = z.strictObject({
  position: z.number().int().min(0).describe('The question, by its position in the attempt (0-based).'),
  flagged: z.boolean(),
});
export const attemptFlags = z.object({
  flagged: z.array(z.number().int()).describe('The positions flagged for review, in order.'),
});

export const savedAnswers = z.object({
  saved: z.array(z.object({ position: z.number().int(), seq: z.number().int(), applied: z.boolean() })),
  deadlineAt: z.string(),
});

export const catalogue = z.object({
  items: z.array(
    z.object({
      exam: z.object({
        id: z.string(),
        title: z.string(),
        description: z.string(),
        timeLimitMinutes: z.number().int(),
        passMark: z.number().int(),
        questionCount: z.number().int(),
      }),
      attemptsUsed: z.number().int(),
      attemptsLeft: z.number().int().nullable(),
      inProgressAttemptId: z.string().nullable(),
      availableFrom: z.string().nullable().describe('Set while a cool-down runs: when the next attempt may start.'),
      opensAt: z.string().nullable().describe('The exam cannot be started before this instant (null: no bound).'),
      closesAt: z.string().nullable().describe('The exam cannot be started from this instant on (null: no bound).'),
      window: z.enum(['open', 'not_yet_open', 'closed']),
    }),
  ),
});

export const history = z.object({
  attempts: z.array(
    z.object({
      id: z.string(),
      examTitle: z.string(),
      status: attemptStatus,
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      scorePercent: z.number().nullable(),
      passed: z.boolean().nullable(),
    }),
  ),
  certificates: z.array(
    z.object({
      id: z.string(),
      examId: z.string(),
      examTitle: z.string(),
      holderName: z.string(),
      scorePercent: z.number(),
      issuedAt: z.string(),
      expiresAt: z.string().nullable(),
      revokedAt: z.string().nullable(),
      revokedReason: z.string().nullable(),
      replacedBy: z.string().nullable(),
    }),
  ),
});
