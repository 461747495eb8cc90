// /api/v1/exams/{id}/access, /api/v1/exams/{id}/invitations, /api/v1/access-codes: who may sit an exam (issue 17).
import { z } from 'zod';
import { actorOf, principalOf } from '../../http/auth.ts';
import { apiRoute, createApi, jsonAnswer, jsonBody, noContent } from '../../http/routes.ts';
import { idParam } from '../../http/schemas.ts';
import { localeOf } from '../../i18n/request.ts';
import {
  accessOf,
  accessSettings,
  INVITATIONS_MAX,
  invitationsOf,
  invite,
  readInvitationList,
  redeemAccessCode,
  setAccess,
  withdrawInvitation,
} from '../access.ts';
import { getExam } from '../authoring.ts';
import type { ExamsDeps } from '../context.ts';

const tag = 'Exam access';

const accessView = z
  .object({
    rule: z.enum(['everyone', 'invited', 'code', 'domains']),
    accessCode: z.string().nullable(),
    domains: z.array(z.string()),
    opensAt: z.string().nullable(),
    closesAt: z.string().nullable(),
  })
  .meta({ id: 'ExamAccess' });
const accessResponse = z.object({
  access: accessView,
  invitations: z.array(z.object({ email: z.string(), invitedAt: z.string() })),
});

export const getAccessRoute = apiRoute({
  operationId: 'getExamAccess',
  method: 'get',
  path: '/exams/{id}/access',
  tag,
  access: 'staffRead',
  summary: 'Who may sit the exam (its rule and availability window) and who is invited',
  request: { params: idParam },
  responses: { 200: jsonAnswer(accessResponse, 'The rule, the window and the invitations.') },
  errors: [404],
});

export const setAccessRoute = apiRoute({
  operationId: 'setExamAccess',
  method: 'put',
  path: '/exams/{id}/access',
  tag,
  access: 'admin',
  summary: 'Set who may sit the exam: everyone, invited addresses, an access code or email domains; and when',
  description:
    '`opensAt` and `closesAt` are ISO 8601 instants (with an offset); null leaves that side open. Invitations are ' +
    'kept when the rule changes and apply again when it is set back to `invited`.',
  request: { params: idParam, body: jsonBody(accessSettings) },
  responses: { 200: jsonAnswer(accessResponse, 'The rule as saved.') },
  errors: [404],
});

const invitationsBody = z.strictObject({
  emails: z.array(z.string().max(320)).min(1).max(INVITATIONS_MAX),
});

export const inviteRoute = apiRoute({
  operationId: 'inviteToExam',
  method: 'post',
  path: '/exams/{id}/invitations',
  tag,
  access: 'admin',
  summary: 'Invite addresses to the exam; each new one is mailed a link in its reader’s language',
  request: { params: idParam, body: jsonBody(invitationsBody) },
  responses: {
    200: jsonAnswer(
      z.object({ invited: z.array(z.string()).describe('The addresses newly invited (and mailed).') }),
      'Addresses already invited are left as they were.',
    ),
  },
  errors: [404],
});

export const withdrawInvitationRoute = apiRoute({
  operationId: 'withdrawInvitation',
  method: 'delete',
  path: '/exams/{id}/invitations/{email}',
  tag,
  access: 'admin',
  summary: 'Withdraw an invitation (an attempt already started is not affected)',
  request: { params: idParam.extend({ email: z.string().min(1).max(320) }) },
  responses: { 204: { description: 'Withdrawn.' } },
  errors: [404],
});

export const redeemCodeRoute = apiRoute({
  operationId: 'redeemAccessCode',
  method: 'post',
  path: '/access-codes',
  tag,
  access: 'signedIn',
  summary: 'Enter an exam’s access code: the exam joins your catalogue',
  request: { body: jsonBody(z.strictObject({ code: z.string().min(1).max(64) })) },
  responses: {
    200: jsonAnswer(z.object({ examId: z.string(), title: z.string() }), 'The exam the code opens.'),
  },
  errors: [400, 429],
});

const answer = async (deps: ExamsDeps, examId: string) => ({
  access: await accessOf(deps, examId),
  invitations: await invitationsOf(deps, examId),
});

export const accessApi = (deps: ExamsDeps) =>
  createApi()
    .openapi(getAccessRoute, async (c) => {
      const { id } = c.req.valid('param');
      await getExam(deps, id);
      return c.json(await answer(deps, id), 200);
    })
    .openapi(setAccessRoute, async (c) => {
      const { id } = c.req.valid('param');
      await setAccess(deps, id, c.req.valid('json'));
      return c.json(await answer(deps, id), 200);
    })
    .openapi(inviteRoute, async (c) => {
      const emails = readInvitationList(c.req.valid('json').emails.join('\n'));
      return c.json({ invited: await invite(deps, c.req.valid('param').id, emails, localeOf(c)) }, 200);
    })
    .openapi(withdrawInvitationRoute, async (c) => {
      const { id, email } = c.req.valid('param');
      await withdrawInvitation(deps, id, email);
      return noContent(c);
    })
    .openapi(redeemCodeRoute, async (c) => {
      const exam = await redeemAccessCode(deps, principalOf(c).account, c.req.valid('json').code, actorOf(c).ip);
      return c.json({ examId: exam.id, title: exam.title }, 200);
    });
