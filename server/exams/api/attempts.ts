// /api/v1/catalogue, /api/v1/attempts, /api/v1/me/history: a candidate's own attempts (staff may read any).
import { STAFF_ROLES } from '../../auth/tables.ts';
import { principalOf } from '../../http/auth.ts';
import { apiRoute, createApi, jsonAnswer, jsonBody } from '../../http/routes.ts';
import { idParam } from '../../http/schemas.ts';
import { attemptView, catalogue, grantExtraTime, history, loadAttempt } from '../attempts.ts';
import { saveAnswers } from '../autosave.ts';
import type { ExamsDeps } from '../context.ts';
import { finaliseAttempt } from '../finalise.ts';
import { setFlag } from '../flags.ts';
import * as s from './schemas.ts';

const tag = 'Taking exams';
const isStaff = (role: string) => (STAFF_ROLES as readonly string[]).includes(role);

export const catalogueRoute = apiRoute({
  operationId: 'catalogue',
  method: 'get',
  path: '/catalogue',
  tag,
  access: 'signedIn',
  summary: 'The published exams the caller may sit, with attempts left, cool-down and availability window',
  responses: { 200: jsonAnswer(s.catalogue, 'The exams the caller may sit.') },
});

export const getAttemptRoute = apiRoute({
  operationId: 'getAttempt',
  method: 'get',
  path: '/attempts/{id}',
  tag,
  access: 'signedIn',
  summary: 'One of your attempts (staff: any): questions, saved answers, time left, result per review policy',
  request: { params: idParam },
  responses: { 200: jsonAnswer(s.attemptResponse, 'The attempt.') },
  errors: [404],
});

export const saveAnswersRoute = apiRoute({
  operationId: 'saveAnswers',
  method: 'post',
  path: '/attempts/{id}/answers',
  tag,
  access: 'signedIn',
  summary: 'Save answers; per question the highest `seq` wins, so retries are harmless. 409 after the deadline',
  request: { params: idParam, body: jsonBody(s.saveAnswersBody) },
  responses: { 200: jsonAnswer(s.savedAnswers, 'Which saves were applied, and the deadline.') },
  errors: [404, 409],
});

export const flagQuestionRoute = apiRoute({
  operationId: 'flagQuestion',
  method: 'post',
  path: '/attempts/{id}/flags',
  tag,
  access: 'signedIn',
  summary: 'Flag a question of your attempt for review, or remove the flag; 409 once the attempt is closed',
  request: { params: idParam, body: jsonBody(s.flagBody) },
  responses: { 200: jsonAnswer(s.attemptFlags, 'The questions now flagged.') },
  errors: [404, 409],
});

export const submitAttemptRoute = apiRoute({
  operationId: 'submitAttempt',
  method: 'post',
  path: '/attempts/{id}/submit',
  tag,
  access: 'signedIn',
  summary: 'Finish the attempt and score it (idempotent)',
  request: { params: idParam },
  responses: { 200: jsonAnswer(s.attemptResponse, 'The closed attempt.') },
  errors: [404],
});

export const extraTimeRoute = apiRoute({
  operationId: 'extraTime',
  method: 'post',
  path: '/attempts/{id}/extra-time',
  tag,
  access: 'admin',
  summary: 'Extend the deadline of an attempt in progress',
  request: { params: idParam, body: jsonBody(s.extraTimeBody) },
  responses: { 200: jsonAnswer(s.attemptResponse, 'The attempt with its new deadline.') },
  errors: [404, 409],
});

export const historyRoute = apiRoute({
  operationId: 'history',
  method: 'get',
  path: '/me/history',
  tag,
  access: 'signedIn',
  summary: 'Your attempts and certificates',
  responses: { 200: jsonAnswer(s.history, 'Newest first; scores only once released.') },
});

export const attemptsApi = (deps: ExamsDeps) =>
  createApi()
    .openapi(catalogueRoute, async (c) => {
      const entries = await catalogue(deps, principalOf(c).account);
      const items = entries.map((e) => ({
        exam: {
          id: e.exam.id,
          title: e.exam.title,
          description: e.exam.description,
          timeLimitMinutes: e.exam.time_limit_minutes,
          passMark: e.exam.pass_mark,
          questionCount: e.exam.question_count,
        },
        attemptsUsed: e.attemptsUsed,
        attemptsLeft: e.attemptsLeft,
        inProgressAttemptId: e.inProgressAttemptId,
        availableFrom: e.availableFrom,
        opensAt: e.opensAt,
        closesAt: e.closesAt,
        window: e.window,
      }));
      return c.json({ items }, 200);
    })
    .openapi(historyRoute, async (c) => c.json(await history(deps, principalOf(c).account), 200))
    .openapi(getAttemptRoute, async (c) => {
      const { account } = principalOf(c);
      const attempt = await loadAttempt(deps, account, c.req.valid('param').id, isStaff(account.role));
      return c.json({ attempt: await attemptView(deps, attempt) }, 200);
    })
    .openapi(saveAnswersRoute, async (c) => {
      const { account } = principalOf(c);
      return c.json(await saveAnswers(deps, account, c.req.valid('param').id, c.req.valid('json').answers), 200);
    })
    .openapi(flagQuestionRoute, async (c) => {
      const { position, flagged } = c.req.valid('json');
      // The candidate's own attempt only: staff get "not found" like anyone else's.
      const attempt = await loadAttempt(deps, principalOf(c).account, c.req.valid('param').id);
      return c.json({ flagged: await setFlag(deps, attempt, position, flagged) }, 200);
    })
    .openapi(submitAttemptRoute, async (c) => {
      const { account } = principalOf(c);
      const attempt = await loadAttempt(deps, account, c.req.valid('param').id);
      await finaliseAttempt(deps, attempt.id, 'candidate');
      return c.json({ attempt: await attemptView(deps, await loadAttempt(deps, account, attempt.id)) }, 200);
    })
    .openapi(extraTimeRoute, async (c) => {
      const attempt = await grantExtraTime(deps, c.req.valid('param').id, c.req.valid('json').minutes);
      return c.json({ attempt: await attemptView(deps, attempt) }, 200);
    });
