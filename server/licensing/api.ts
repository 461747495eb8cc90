// JSON API of the licence portal (the extension's contract: summary, environments, lookup) and admin edits.
import { actorOf } from '../http/auth.ts';
import { apiRoute, createApi, jsonAnswer, jsonBody } from '../http/routes.ts';
import { idParam } from '../http/schemas.ts';
import { i18nOf } from '../i18n/request.ts';
import type { LicensingDeps } from './context.ts';
import { lookupAccounts } from './directory.ts';
import { createEnvironment, updateEnvironment } from './environments.ts';
import { importApi } from './import-api.ts';
import {
  cancelLicence,
  extendLicence,
  licenceSummary,
  saveLicence,
  saveOrganisationDomains,
  today,
} from './licence.ts';
import type { EnvironmentView } from './records.ts';
import { applyRetention, retentionDryRun } from './retention.ts';
import { breachesFor } from './rulebook-words.ts';
import * as s from './schemas.ts';

const environmentJson = (e: EnvironmentView) => ({
  id: e.id,
  name: e.name,
  production: e.production,
  internalDomains: e.internalDomains,
});

export const licenceSummaryRoute = apiRoute({
  operationId: 'licenceSummary',
  method: 'get',
  path: '/licence/summary',
  tag: 'Licence',
  access: 'staffRead',
  summary: 'Live licence figures: internal and external used/capacity/level, licence term, breaches',
  responses: { 200: jsonAnswer(s.summaryResponse, 'The figures, with the time they were computed.') },
});

export const licenceRecountRoute = apiRoute({
  operationId: 'licenceRecount',
  method: 'post',
  path: '/licence/recount',
  tag: 'Licence',
  access: 'staffRead',
  summary: 'Count everything again from the database and compare with the live figures (changes nothing)',
  responses: { 200: jsonAnswer(s.recountResponse, 'Whether the full count agrees.') },
});

export const setLicenceRoute = apiRoute({
  operationId: 'setLicence',
  method: 'put',
  path: '/licence',
  tag: 'Licence',
  access: 'admin',
  summary: "Set the licence: type, start, end (default: the type's term), packs",
  request: { body: jsonBody(s.licenceBody) },
  responses: { 200: jsonAnswer(s.licenceResponse, 'Saved.') },
});

export const extendLicenceRoute = apiRoute({
  operationId: 'extendLicence',
  method: 'post',
  path: '/licence/extension',
  tag: 'Licence',
  access: 'admin',
  summary: 'Extend a Trial (6 months in total at most)',
  request: { body: jsonBody(s.extensionBody) },
  responses: { 200: jsonAnswer(s.licenceResponse, 'Extended.') },
  errors: [409],
});

export const cancelLicenceRoute = apiRoute({
  operationId: 'cancelLicence',
  method: 'post',
  path: '/licence/cancellation',
  tag: 'Licence',
  access: 'admin',
  summary: 'Cancel the licence (candidates see the platform offline from that day)',
  request: { body: jsonBody(s.cancellationBody) },
  responses: { 200: jsonAnswer(s.licenceResponse, 'Cancelled.') },
  errors: [409],
});

export const setOrganisationDomainsRoute = apiRoute({
  operationId: 'setOrganisationDomains',
  method: 'put',
  path: '/licence/organisation-domains',
  tag: 'Licence',
  access: 'admin',
  summary: "The organisation's own, parent and affiliate domains (hygiene rule 28)",
  request: { body: jsonBody(s.organisationDomainsBody) },
  responses: { 200: jsonAnswer(s.organisationDomainsResponse, 'Saved.') },
});

export const listEnvironmentsRoute = apiRoute({
  operationId: 'listEnvironments',
  method: 'get',
  path: '/environments',
  tag: 'Environments',
  access: 'staffRead',
  summary: 'Environments with their production flag and internal domains',
  responses: { 200: jsonAnswer(s.environmentList, 'Every environment.') },
});

export const createEnvironmentRoute = apiRoute({
  operationId: 'createEnvironment',
  method: 'post',
  path: '/environments',
  tag: 'Environments',
  access: 'admin',
  summary: 'Add an environment',
  request: { body: jsonBody(s.createEnvironmentBody) },
  responses: { 201: jsonAnswer(s.environmentResponse, 'Created.') },
  errors: [409],
});

export const updateEnvironmentRoute = apiRoute({
  operationId: 'updateEnvironment',
  method: 'patch',
  path: '/environments/{id}',
  tag: 'Environments',
  access: 'admin',
  summary: 'Rename, set production, internal domains (one comma-separated field) or the retention policy',
  request: { params: idParam, body: jsonBody(s.updateEnvironmentBody) },
  responses: { 200: jsonAnswer(s.environmentResponse, 'Saved; figures are live at once.') },
  errors: [404, 409],
});

export const lookupRoute = apiRoute({
  operationId: 'lookup',
  method: 'post',
  path: '/lookup',
  tag: 'Licence',
  access: 'staffRead',
  summary: 'Classify up to 1,000 accounts and say what the server knows about each (matches, counted, merged)',
  request: { body: jsonBody(s.lookupBody) },
  responses: { 200: jsonAnswer(s.lookupResponse, 'One result per account, in order.') },
  errors: [404],
});

export const retentionDryRunRoute = apiRoute({
  operationId: 'retentionDryRun',
  method: 'get',
  path: '/retention',
  tag: 'Retention',
  access: 'staffRead',
  summary: 'Dry run: who the retention policy would deactivate now and what the totals would become',
  responses: { 200: jsonAnswer(s.retentionResponse, 'Nothing was changed.') },
});

export const applyRetentionRoute = apiRoute({
  operationId: 'applyRetention',
  method: 'post',
  path: '/retention/apply',
  tag: 'Retention',
  access: 'admin',
  summary: 'Apply the retention policy now (one audit entry per account; nothing is deleted)',
  responses: { 200: jsonAnswer(s.retentionResponse, 'Deactivated.') },
});

export const licensingApi = (deps: LicensingDeps) =>
  createApi()
    .openapi(licenceSummaryRoute, async (c) => {
      const { status: _status, environments: _environments, ...summary } = await licenceSummary(deps);
      const bucket = (b: typeof summary.internal) => ({ used: b.used, capacity: b.capacity, level: b.level });
      const breaches = breachesFor(await i18nOf(c), summary.breaches);
      return c.json(
        { ...summary, internal: bucket(summary.internal), external: bucket(summary.external), breaches },
        200,
      );
    })
    .openapi(licenceRecountRoute, async (c) => {
      const outcome = await deps.licensing.recount();
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
    .openapi(setLicenceRoute, async (c) => {
      return c.json({ licence: await saveLicence(deps, actorOf(c), c.req.valid('json')) }, 200);
    })
    .openapi(extendLicenceRoute, async (c) => {
      return c.json({ licence: await extendLicence(deps, actorOf(c), c.req.valid('json').endsOn) }, 200);
    })
    .openapi(cancelLicenceRoute, async (c) => {
      const cancelledOn = c.req.valid('json').cancelledOn ?? (await today(deps));
      return c.json({ licence: await cancelLicence(deps, actorOf(c), cancelledOn) }, 200);
    })
    .openapi(setOrganisationDomainsRoute, async (c) => {
      return c.json({ domains: await saveOrganisationDomains(deps, actorOf(c), c.req.valid('json').domains) }, 200);
    })
    .openapi(listEnvironmentsRoute, async (c) => {
      await deps.licensing.current();
      return c.json({ items: deps.licensing.environments.map(environmentJson) }, 200);
    })
    .openapi(createEnvironmentRoute, async (c) => {
      const environment = await createEnvironment(deps, actorOf(c), c.req.valid('json'));
      return c.json({ environment: environmentJson(environment) }, 201);
    })
    .openapi(updateEnvironmentRoute, async (c) => {
      const environment = await updateEnvironment(deps, actorOf(c), c.req.valid('param').id, c.req.valid('json'));
      return c.json({ environment: environmentJson(environment) }, 200);
    })
    .openapi(lookupRoute, async (c) => c.json(await lookupAccounts(deps, c.req.valid('json'), await i18nOf(c)), 200))
    .openapi(retentionDryRunRoute, async (c) => c.json(await retentionDryRun(deps), 200))
    .openapi(applyRetentionRoute, async (c) => {
      return c.json({ candidates: await applyRetention(deps, actorOf(c)) }, 200);
    })
    .route('/', importApi(deps));
