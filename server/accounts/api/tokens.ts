import type { Deps } from '../../deps.ts';
import { actorOf, principalOf } from '../../http/auth.ts';
import { apiRoute, createApi, jsonAnswer, jsonBody, noContent } from '../../http/routes.ts';
import { idParam } from '../../http/schemas.ts';
import { createAccessToken, revokeAccessToken, visibleTokens } from '../tokens.ts';
import { createdToken, createTokenBody, tokenList } from './schemas.ts';

const tag = 'Access tokens';

export const listTokensRoute = apiRoute({
  operationId: 'listTokens',
  method: 'get',
  path: '/tokens',
  tag,
  access: 'staffSession',
  summary: 'Personal access tokens (admins see all, support their own); never includes secrets',
  responses: { 200: jsonAnswer(tokenList, 'Tokens.') },
});

export const createTokenRoute = apiRoute({
  operationId: 'createToken',
  method: 'post',
  path: '/tokens',
  tag,
  access: 'staffSession',
  summary: 'Create a personal access token for yourself; the secret is shown once',
  request: { body: jsonBody(createTokenBody) },
  responses: { 201: jsonAnswer(createdToken, 'Created.') },
});

export const revokeTokenRoute = apiRoute({
  operationId: 'revokeToken',
  method: 'delete',
  path: '/tokens/{id}',
  tag,
  access: 'staffSession',
  summary: 'Revoke a token (your own; admins any)',
  request: { params: idParam },
  responses: { 204: { description: 'Revoked.' } },
  errors: [404],
});

export const tokensApi = (deps: Deps) =>
  createApi()
    .openapi(listTokensRoute, async (c) => c.json({ items: await visibleTokens(deps, principalOf(c).account) }, 200))
    .openapi(createTokenRoute, async (c) => {
      const { account } = principalOf(c);
      const { token, view } = await createAccessToken(deps, { ...actorOf(c), account }, c.req.valid('json'));
      return c.json({ token, accessToken: view }, 201);
    })
    .openapi(revokeTokenRoute, async (c) => {
      const { account } = principalOf(c);
      await revokeAccessToken(deps, { ...actorOf(c), account }, c.req.valid('param').id);
      return noContent(c);
    });
