// /api/v1/exams: authoring (admin; support reads), reports, and the start of an attempt (candidates).
import { principalOf } from '../../http/auth.ts';
import { apiRoute, createApi, jsonAnswer, jsonBody, noContent } from '../../http/routes.ts';
import { idParam } from '../../http/schemas.ts';
import { csvDownload } from '../../web/csv.ts';
import { attemptView } from '../attempts.ts';
import {
  addQuestion,
  archiveQuestion,
  createEmptyExam,
  documentProblems,
  EXAM_DOCUMENT_LIMIT_BYTES,
  examCreateBody,
  examDocument,
  examSettingsPatch,
  exportExam,
  fromInput,
  getExam,
  importExam,
  listExams,
  listQuestions,
  setAccommodation,
  setPublished,
  toExamView,
  toQuestionView,
  updateExam,
  updateQuestion,
} from '../authoring.ts';
import type { ExamsDeps } from '../context.ts';
import { draftVersion, duplicateExam, moveQuestion } from '../drafts.ts';
import { questionSchema } from '../questions.ts';
import { examReport as buildReport, reportCsv } from '../reports.ts';
import { startAttempt } from '../start.ts';
import * as s from './schemas.ts';

const tag = 'Exams';

export const listExamsRoute = apiRoute({
  operationId: 'listExams',
  method: 'get',
  path: '/exams',
  tag,
  access: 'staffRead',
  summary: 'All exams, published or not',
  responses: { 200: jsonAnswer(s.examList, 'Every exam.') },
});

export const createExamRoute = apiRoute({
  operationId: 'createExam',
  method: 'post',
  path: '/exams',
  tag,
  access: 'admin',
  summary: 'Create an exam (unpublished)',
  request: { body: jsonBody(examCreateBody) },
  responses: { 201: jsonAnswer(s.examResponse, 'Created.') },
});

export const importExamRoute = apiRoute({
  operationId: 'importExam',
  method: 'post',
  path: '/exam-imports',
  tag,
  access: 'admin',
  summary: 'Create an exam with its questions from a `seatkeeper-exam/1` JSON document',
  description: 'Errors name the path of each problem, e.g. `questions[3].options[1].text`.',
  request: { query: s.importQuery, body: jsonBody(examDocument) },
  responses: { 201: jsonAnswer(s.examResponse, 'Created.') },
  errors: [409],
  bodyLimit: EXAM_DOCUMENT_LIMIT_BYTES,
});

export const getExamRoute = apiRoute({
  operationId: 'getExam',
  method: 'get',
  path: '/exams/{id}',
  tag,
  access: 'staffRead',
  summary: 'One exam',
  request: { params: idParam },
  responses: { 200: jsonAnswer(s.examResponse, 'The exam.') },
  errors: [404],
});

export const updateExamRoute = apiRoute({
  operationId: 'updateExam',
  method: 'patch',
  path: '/exams/{id}',
  tag,
  access: 'admin',
  summary: 'Change exam settings (a draft only: a published version is frozen)',
  request: { params: idParam, body: jsonBody(examSettingsPatch) },
  responses: { 200: jsonAnswer(s.examResponse, 'Saved.') },
  errors: [404, 409],
});

export const exportExamRoute = apiRoute({
  operationId: 'exportExam',
  method: 'get',
  path: '/exams/{id}/export',
  tag,
  access: 'staffRead',
  summary: 'The exam and its questions as a `seatkeeper-exam/1` document (includes answer keys)',
  request: { params: idParam },
  responses: { 200: jsonAnswer(s.examDocumentResponse, 'The document.') },
  errors: [404],
});

export const publishExamRoute = apiRoute({
  operationId: 'publishExam',
  method: 'post',
  path: '/exams/{id}/publish',
  tag,
  access: 'admin',
  summary: 'Publish (refused while the licence is expired or the bank is too small)',
  request: { params: idParam },
  responses: { 200: jsonAnswer(s.examResponse, 'Published.') },
  errors: [404, 409],
});

export const unpublishExamRoute = apiRoute({
  operationId: 'unpublishExam',
  method: 'post',
  path: '/exams/{id}/unpublish',
  tag,
  access: 'admin',
  summary: 'Unpublish (attempts in progress continue)',
  request: { params: idParam },
  responses: { 200: jsonAnswer(s.examResponse, 'Unpublished.') },
  errors: [404],
});

export const listQuestionsRoute = apiRoute({
  operationId: 'listQuestions',
  method: 'get',
  path: '/exams/{id}/questions',
  tag,
  access: 'staffRead',
  summary: 'The question bank of an exam (with answer keys)',
  request: { params: idParam },
  responses: { 200: jsonAnswer(s.questionList, 'The questions in bank order.') },
  errors: [404],
});

export const addQuestionRoute = apiRoute({
  operationId: 'addQuestion',
  method: 'post',
  path: '/exams/{id}/questions',
  tag,
  access: 'admin',
  summary: 'Add a question to the bank',
  request: { params: idParam, body: jsonBody(questionSchema) },
  responses: { 201: jsonAnswer(s.questionResponse, 'Added.') },
  errors: [404, 409],
});

export const updateQuestionRoute = apiRoute({
  operationId: 'updateQuestion',
  method: 'patch',
  path: '/exams/{id}/questions/{questionId}',
  tag,
  access: 'admin',
  summary: 'Replace a question (new version; attempts already started keep their snapshot)',
  request: { params: s.questionParams, body: jsonBody(questionSchema) },
  responses: { 200: jsonAnswer(s.questionResponse, 'Replaced.') },
  errors: [404, 409],
});

export const deleteQuestionRoute = apiRoute({
  operationId: 'deleteQuestion',
  method: 'delete',
  path: '/exams/{id}/questions/{questionId}',
  tag,
  access: 'admin',
  summary: 'Archive a question (no longer drawn)',
  request: { params: s.questionParams },
  responses: { 204: { description: 'Archived.' } },
  errors: [404, 409],
});

export const createVersionRoute = apiRoute({
  operationId: 'createExamVersion',
  method: 'post',
  path: '/exams/{id}/versions',
  tag,
  access: 'admin',
  summary: 'The draft where changes to a published exam go: its next version (or the open draft, when there is one)',
  request: { params: idParam },
  responses: { 201: jsonAnswer(s.examResponse, 'The draft version.') },
  errors: [404],
});

export const duplicateExamRoute = apiRoute({
  operationId: 'duplicateExam',
  method: 'post',
  path: '/exams/{id}/duplicates',
  tag,
  access: 'admin',
  summary: 'A separate exam with the same settings and questions, under a new title (a draft)',
  request: { params: idParam, body: jsonBody(s.duplicateBody) },
  responses: { 201: jsonAnswer(s.examResponse, 'The copy.') },
  errors: [404],
});

export const moveQuestionRoute = apiRoute({
  operationId: 'moveQuestion',
  method: 'post',
  path: '/exams/{id}/questions/{questionId}/move',
  tag,
  access: 'admin',
  summary: 'Move a question one place up or down in the bank (a draft only)',
  request: { params: s.questionParams, body: jsonBody(s.moveBody) },
  responses: { 204: { description: 'Moved (or already at that end).' } },
  errors: [404, 409],
});

export const setAccommodationRoute = apiRoute({
  operationId: 'setAccommodation',
  method: 'post',
  path: '/exams/{id}/accommodations',
  tag,
  access: 'admin',
  summary: 'Extra time for one candidate on every future attempt of this exam',
  request: { params: idParam, body: jsonBody(s.accommodationBody) },
  responses: { 204: { description: 'Saved.' } },
  errors: [404],
});

export const examReportRoute = apiRoute({
  operationId: 'examReport',
  method: 'get',
  path: '/exams/{id}/report',
  tag,
  access: 'staffRead',
  summary: 'Attempts, pass rate, score distribution and item analysis; `?format=csv` for CSV',
  request: { params: idParam, query: s.reportQuery },
  responses: {
    200: {
      description: 'The report.',
      content: {
        'application/json': { schema: s.examReport },
        'text/csv': { schema: { type: 'string' } },
      },
    },
  },
  errors: [404],
});

export const startAttemptRoute = apiRoute({
  operationId: 'startAttempt',
  method: 'post',
  path: '/exams/{id}/attempts',
  tag: 'Taking exams',
  access: 'signedIn',
  summary:
    'Start (or resume) an attempt: questions and deadline are fixed on the server; 403 when the exam is not open to you',
  request: { params: idParam },
  responses: { 201: jsonAnswer(s.attemptResponse, 'The attempt, new or resumed.') },
  errors: [404, 409, 503],
});

export const authoringApi = (deps: ExamsDeps) =>
  createApi()
    .openapi(listExamsRoute, async (c) => c.json({ items: (await listExams(deps)).map(toExamView) }, 200))
    .openapi(createExamRoute, async (c) => {
      return c.json({ exam: toExamView(await createEmptyExam(deps, c.req.valid('json'))) }, 201);
    })
    .openapi(
      importExamRoute,
      async (c) => {
        const exam = await importExam(deps, c.req.valid('json'), c.req.valid('query').mode);
        return c.json({ exam: toExamView(exam) }, 201);
      },
      (result) => {
        if (!result.success) throw documentProblems(result.error);
      },
    )
    .openapi(getExamRoute, async (c) => c.json({ exam: toExamView(await getExam(deps, c.req.valid('param').id)) }, 200))
    .openapi(updateExamRoute, async (c) => {
      const exam = await updateExam(deps, c.req.valid('param').id, c.req.valid('json'));
      return c.json({ exam: toExamView(exam) }, 200);
    })
    .openapi(exportExamRoute, async (c) => c.json(await exportExam(deps, c.req.valid('param').id), 200))
    .openapi(publishExamRoute, async (c) => {
      return c.json({ exam: toExamView(await setPublished(deps, c.req.valid('param').id, true)) }, 200);
    })
    .openapi(unpublishExamRoute, async (c) => {
      return c.json({ exam: toExamView(await setPublished(deps, c.req.valid('param').id, false)) }, 200);
    })
    .openapi(listQuestionsRoute, async (c) => {
      const { id } = c.req.valid('param');
      await getExam(deps, id);
      return c.json({ items: (await listQuestions(deps, id)).map(toQuestionView) }, 200);
    })
    .openapi(addQuestionRoute, async (c) => {
      const row = await addQuestion(deps, c.req.valid('param').id, fromInput(c.req.valid('json')));
      return c.json({ question: toQuestionView(row) }, 201);
    })
    .openapi(updateQuestionRoute, async (c) => {
      const { id, questionId } = c.req.valid('param');
      const row = await updateQuestion(deps, id, questionId, fromInput(c.req.valid('json')));
      return c.json({ question: toQuestionView(row) }, 200);
    })
    .openapi(deleteQuestionRoute, async (c) => {
      const { id, questionId } = c.req.valid('param');
      await archiveQuestion(deps, id, questionId);
      return noContent(c);
    })
    .openapi(createVersionRoute, async (c) => {
      return c.json({ exam: toExamView(await draftVersion(deps, c.req.valid('param').id)) }, 201);
    })
    .openapi(duplicateExamRoute, async (c) => {
      const exam = await duplicateExam(deps, c.req.valid('param').id, c.req.valid('json').title);
      return c.json({ exam: toExamView(exam) }, 201);
    })
    .openapi(moveQuestionRoute, async (c) => {
      const { id, questionId } = c.req.valid('param');
      await moveQuestion(deps, id, questionId, c.req.valid('json').direction);
      return noContent(c);
    })
    .openapi(setAccommodationRoute, async (c) => {
      const { accountId, extraMinutes } = c.req.valid('json');
      await setAccommodation(deps, c.req.valid('param').id, accountId, extraMinutes);
      return noContent(c);
    })
    .openapi(examReportRoute, async (c) => {
      const report = await buildReport(deps, c.req.valid('param').id);
      if (c.req.valid('query').format === 'csv')
        return c.body(reportCsv(report), 200, csvDownload(`exam-${report.examId}-report.csv`));
      return c.json(report, 200);
    })
    .openapi(startAttemptRoute, async (c) => {
      const attempt = await startAttempt(deps, principalOf(c).account, c.req.valid('param').id);
      return c.json({ attempt: await attemptView(deps, attempt) }, 201);
    });
