import type { Deps } from '../../deps.ts';
import { actorOf } from '../../http/auth.ts';
import { notFound } from '../../http/errors.ts';
import { apiRoute, createApi, jsonAnswer, jsonBody, noContent } from '../../http/routes.ts';
import { idParam } from '../../http/schemas.ts';
import { findAccount, toAccountView } from '../accounts.ts';
import { createAccountByAdmin, listAccounts, setAccountActive, updateAccount } from '../administration.ts';
import { liftSignInLock, signInLock, signOutEverywhere } from '../sign-in-protection.ts';
import {
  accountPage,
  accountResponse,
  createUserBody,
  signedOutResponse,
  signInLockResponse,
  updateUserBody,
  userListQuery,
} from './schemas.ts';

const tag = 'Users';

export const listUsersRoute = apiRoute({
  operationId: 'listUsers',
  method: 'get',
  path: '/users',
  tag,
  access: 'staffRead',
  summary: 'List accounts (paging, search, role/active filters)',
  request: { query: userListQuery },
  responses: { 200: jsonAnswer(accountPage, 'One page of accounts.') },
});

export const createUserRoute = apiRoute({
  operationId: 'createUser',
  method: 'post',
  path: '/users',
  tag,
  access: 'admin',
  summary: 'Create an account; without a password the person is emailed an invitation link',
  request: { body: jsonBody(createUserBody) },
  responses: { 201: jsonAnswer(accountResponse, 'Created.') },
  errors: [409],
});

export const getUserRoute = apiRoute({
  operationId: 'getUser',
  method: 'get',
  path: '/users/{id}',
  tag,
  access: 'staffRead',
  summary: 'One account',
  request: { params: idParam },
  responses: { 200: jsonAnswer(accountResponse, 'The account.') },
  errors: [404],
});

export const updateUserRoute = apiRoute({
  operationId: 'updateUser',
  method: 'patch',
  path: '/users/{id}',
  tag,
  access: 'admin',
  summary: 'Change name and/or role',
  request: { params: idParam, body: jsonBody(updateUserBody) },
  responses: { 200: jsonAnswer(accountResponse, 'Updated (or already so).') },
  errors: [404, 409],
});

export const deactivateUserRoute = apiRoute({
  operationId: 'deactivateUser',
  method: 'post',
  path: '/users/{id}/deactivate',
  tag,
  access: 'admin',
  summary: 'Deactivate: sign-in refused, sessions end at once, tokens stop working',
  request: { params: idParam },
  responses: { 200: jsonAnswer(accountResponse, 'Deactivated.') },
  errors: [404, 409],
});

export const activateUserRoute = apiRoute({
  operationId: 'activateUser',
  method: 'post',
  path: '/users/{id}/activate',
  tag,
  access: 'admin',
  summary: 'Reactivate an account (not one its owner closed)',
  request: { params: idParam },
  responses: { 200: jsonAnswer(accountResponse, 'Active again.') },
  errors: [404, 409],
});

export const signOutEverywhereRoute = apiRoute({
  operationId: 'signOutEverywhere',
  method: 'post',
  path: '/users/{id}/sign-out-everywhere',
  tag,
  access: 'admin',
  summary: 'End every session of the account and revoke every access token it has',
  request: { params: idParam },
  responses: { 200: jsonAnswer(signedOutResponse, 'Signed out everywhere.') },
  errors: [404],
});

export const getSignInLockRoute = apiRoute({
  operationId: 'getSignInLock',
  method: 'get',
  path: '/users/{id}/sign-in-lock',
  tag,
  access: 'staffRead',
  summary: 'Whether failed attempts at the account have paused sign-ins from unknown devices',
  request: { params: idParam },
  responses: { 200: jsonAnswer(signInLockResponse, 'The account’s sign-in lock.') },
  errors: [404],
});

export const liftSignInLockRoute = apiRoute({
  operationId: 'liftSignInLock',
  method: 'delete',
  path: '/users/{id}/sign-in-lock',
  tag,
  access: 'admin',
  summary: 'Lift the pause on sign-ins from unknown devices (after an attack has stopped)',
  request: { params: idParam },
  responses: { 204: { description: 'Lifted.' } },
  errors: [404],
});

export const usersApi = (deps: Deps) =>
  createApi()
    .openapi(listUsersRoute, async (c) => {
      const query = c.req.valid('query');
      const active = query.active === undefined ? undefined : query.active === 'true';
      const { items, total } = await listAccounts(deps.db, { ...query, active });
      return c.json({ items: items.map(toAccountView), page: query.page, pageSize: query.pageSize, total }, 200);
    })
    .openapi(createUserRoute, async (c) => {
      const account = await createAccountByAdmin(deps, actorOf(c), c.req.valid('json'));
      return c.json({ account: toAccountView(account) }, 201);
    })
    .openapi(getUserRoute, async (c) => {
      const account = await findAccount(deps.db, c.req.valid('param').id);
      if (!account) throw notFound('errors.not_found.account');
      return c.json({ account: toAccountView(account) }, 200);
    })
    .openapi(updateUserRoute, async (c) => {
      const account = await updateAccount(deps, actorOf(c), c.req.valid('param').id, c.req.valid('json'));
      return c.json({ account: toAccountView(account) }, 200);
    })
    .openapi(deactivateUserRoute, async (c) => {
      const account = await setAccountActive(deps, actorOf(c), c.req.valid('param').id, false);
      return c.json({ account: toAccountView(account) }, 200);
    })
    .openapi(activateUserRoute, async (c) => {
      const account = await setAccountActive(deps, actorOf(c), c.req.valid('param').id, true);
      return c.json({ account: toAccountView(account) }, 200);
    })
    .openapi(signOutEverywhereRoute, async (c) =>
      c.json(await signOutEverywhere(deps, actorOf(c), c.req.valid('param').id), 200),
    )
    .openapi(getSignInLockRoute, async (c) => {
      const account = await findAccount(deps.db, c.req.valid('param').id);
      if (!account) throw notFound('The account');
      return c.json(await signInLock(deps, account.email), 200);
    })
    .openapi(liftSignInLockRoute, async (c) => {
      await liftSignInLock(deps, actorOf(c), c.req.valid('param').id);
      return noContent(c);
    });
