// JSON API of the licence portal (the extension's contract: summary, environments, lookup) and admin edits.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { actorOf, guard } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError, fieldErrorsFrom, validationFailed } from '../http/errors.ts';
import { validate } from '../http/validation.ts';
import { lookupAccounts } from './directory.ts';
import { createEnvironment, updateEnvironment } from './environments.ts';
import { IMPORT_BODY_LIMIT_BYTES, type ImportUser, parseAccountsCsv, replaceProviderUsers } from './import.ts';
import {
  cancelLicence,
  extendLicence,
  licenceSummary,
  saveLicence,
  saveOrganisationDomains,
  today,
} from './licence.ts';
import { applyRetention, retentionDryRun } from './retention.ts';
import { LICENSING_ROUTES as R } from './routes.ts';
import { replaceUsersBody } from './schemas.ts';
import type { EnvironmentView } from './state.ts';

const environmentJson = (e: EnvironmentView) => ({
  id: e.id,
  name: e.name,
  production: e.production,
  internalDomains: e.internalDomains,
});

export const licensingApi = new Hono<AppEnv>()
  .get('/licence/summary', guard(R.licenceSummary.access), async (c) => {
    const { status: _status, environments: _environments, ...summary } = await licenceSummary(c.get('deps'));
    return c.json(
      {
        ...summary,
        internal: { used: summary.internal.used, capacity: summary.internal.capacity, level: summary.internal.level },
        external: { used: summary.external.used, capacity: summary.external.capacity, level: summary.external.level },
      },
      200,
    );
  })
  .post('/licence/recount', guard(R.licenceRecount.access), async (c) => {
    const outcome = await c.get('deps').licensing.recount();
    return c.json(
      {
        agrees: outcome.agrees,
        milliseconds: Math.round(outcome.milliseconds),
        live: { internal: outcome.live.internal, external: outcome.live.external },
        full: { internal: outcome.full.internal, external: outcome.full.external },
        differences: outcome.differences,
      },
      200,
    );
  })
  .put('/licence', guard(R.setLicence.access), validate('json', R.setLicence.body), async (c) => {
    const licence = await saveLicence(c.get('deps'), actorOf(c), c.req.valid('json'));
    return c.json({ licence }, 200);
  })
  .post('/licence/extension', guard(R.extendLicence.access), validate('json', R.extendLicence.body), async (c) => {
    const licence = await extendLicence(c.get('deps'), actorOf(c), c.req.valid('json').endsOn);
    return c.json({ licence }, 200);
  })
  .post('/licence/cancellation', guard(R.cancelLicence.access), validate('json', R.cancelLicence.body), async (c) => {
    const deps = c.get('deps');
    const licence = await cancelLicence(deps, actorOf(c), c.req.valid('json').cancelledOn ?? today(deps));
    return c.json({ licence }, 200);
  })
  .put(
    '/licence/organisation-domains',
    guard(R.setOrganisationDomains.access),
    validate('json', R.setOrganisationDomains.body),
    async (c) => {
      const domains = await saveOrganisationDomains(c.get('deps'), actorOf(c), c.req.valid('json').domains);
      return c.json({ domains }, 200);
    },
  )
  .get('/environments', guard(R.listEnvironments.access), async (c) => {
    const { licensing } = c.get('deps');
    await licensing.current();
    return c.json({ items: licensing.environments.map(environmentJson) }, 200);
  })
  .post('/environments', guard(R.createEnvironment.access), validate('json', R.createEnvironment.body), async (c) => {
    const environment = await createEnvironment(c.get('deps'), actorOf(c), c.req.valid('json'));
    return c.json({ environment: environmentJson(environment) }, 201);
  })
  .patch(
    '/environments/:id',
    guard(R.updateEnvironment.access),
    validate('json', R.updateEnvironment.body),
    async (c) => {
      const environment = await updateEnvironment(c.get('deps'), actorOf(c), c.req.param('id'), c.req.valid('json'));
      return c.json({ environment: environmentJson(environment) }, 200);
    },
  )
  .put(
    '/environments/:id/users',
    guard(R.replaceEnvironmentUsers.access),
    bodyLimit({
      maxSize: IMPORT_BODY_LIMIT_BYTES,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `Send at most ${IMPORT_BODY_LIMIT_BYTES} bytes.`);
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      await deps.licensing.current();
      const env = deps.licensing.environmentById(c.req.param('id'));
      if (!env) throw new ApiError(404, 'not_found', 'The environment does not exist.');
      const type = c.req.header('content-type') ?? '';
      let byProvider: Map<string, ImportUser[]>;
      if (type.startsWith('text/csv')) {
        const provider = c.req.query('provider')?.trim();
        if (!provider) throw validationFailed({ provider: 'Name the provider to replace: ?provider=<name>.' });
        byProvider = parseAccountsCsv(await c.req.text(), env, provider);
      } else {
        let body: unknown;
        try {
          body = await c.req.json();
        } catch {
          throw validationFailed({ '(body)': 'Send JSON {provider, users} or text/csv with ?provider=<name>.' });
        }
        const parsed = replaceUsersBody.safeParse(body);
        if (!parsed.success) throw validationFailed(fieldErrorsFrom(parsed.error));
        byProvider = new Map([
          [
            parsed.data.provider,
            parsed.data.users.map((u) => ({
              username: u.username?.trim() ?? '',
              email: u.email?.trim() ?? '',
              tenant: u.tenant?.trim() ?? '',
              active: u.active ?? true,
              itUser: u.itUser ?? false,
              staff: false,
            })),
          ],
        ]);
      }
      const outcome = await replaceProviderUsers(deps, actorOf(c), env.id, byProvider);
      return c.json(outcome, 200);
    },
  )
  .post('/lookup', guard(R.lookup.access), validate('json', R.lookup.body), async (c) => {
    return c.json(await lookupAccounts(c.get('deps'), c.req.valid('json')), 200);
  })
  .get('/retention', guard(R.retentionDryRun.access), async (c) => {
    return c.json(await retentionDryRun(c.get('deps')), 200);
  })
  .post('/retention/apply', guard(R.applyRetention.access), async (c) => {
    return c.json({ candidates: await applyRetention(c.get('deps'), actorOf(c)) }, 200);
  });
