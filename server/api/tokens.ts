import { Hono } from 'hono';
import { createAccessToken, revokeAccessToken, visibleTokens } from '../auth/token-management.ts';
import { actorOf, guard, principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { validate } from '../http/validation.ts';
import { API_ROUTES as R } from './routes.ts';

export const tokensApi = new Hono<AppEnv>()
  .get('/', guard(R.listTokens.access), async (c) => {
    return c.json({ items: await visibleTokens(c.get('deps'), principalOf(c).account) }, 200);
  })
  .post('/', guard(R.createToken.access), validate('json', R.createToken.body), async (c) => {
    const { account } = principalOf(c);
    const { token, view } = await createAccessToken(c.get('deps'), { ...actorOf(c), account }, c.req.valid('json'));
    return c.json({ token, accessToken: view }, 201);
  })
  .delete('/:id', guard(R.revokeToken.access), async (c) => {
    const { account } = principalOf(c);
    await revokeAccessToken(c.get('deps'), { ...actorOf(c), account }, c.req.param('id'));
    return c.body(null, 204);
  });
