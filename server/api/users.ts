import { Hono } from 'hono';
import {
  createAccountByAdmin,
  findAccount,
  listAccounts,
  setAccountActive,
  toAccountView,
  updateAccount,
} from '../accounts/accounts.ts';
import { actorOf, guard } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { notFound } from '../http/errors.ts';
import { validate } from '../http/validation.ts';
import { API_ROUTES as R } from './routes.ts';

export const usersApi = new Hono<AppEnv>()
  .get('/', guard(R.listUsers.access), validate('query', R.listUsers.query), async (c) => {
    const query = c.req.valid('query');
    const active = query.active === undefined ? undefined : query.active === 'true';
    const { items, total } = await listAccounts(c.get('deps').db, { ...query, active });
    return c.json({ items: items.map(toAccountView), page: query.page, pageSize: query.pageSize, total }, 200);
  })
  .post('/', guard(R.createUser.access), validate('json', R.createUser.body), async (c) => {
    const account = await createAccountByAdmin(c.get('deps'), actorOf(c), c.req.valid('json'));
    return c.json({ account: toAccountView(account) }, 201);
  })
  .get('/:id', guard(R.getUser.access), async (c) => {
    const account = await findAccount(c.get('deps').db, c.req.param('id'));
    if (!account) throw notFound('The account');
    return c.json({ account: toAccountView(account) }, 200);
  })
  .patch('/:id', guard(R.updateUser.access), validate('json', R.updateUser.body), async (c) => {
    const account = await updateAccount(c.get('deps'), actorOf(c), c.req.param('id'), c.req.valid('json'));
    return c.json({ account: toAccountView(account) }, 200);
  })
  .post('/:id/deactivate', guard(R.deactivateUser.access), async (c) => {
    const account = await setAccountActive(c.get('deps'), actorOf(c), c.req.param('id'), false);
    return c.json({ account: toAccountView(account) }, 200);
  })
  .post('/:id/activate', guard(R.activateUser.access), async (c) => {
    const account = await setAccountActive(c.get('deps'), actorOf(c), c.req.param('id'), true);
    return c.json({ account: toAccountView(account) }, 200);
  });
