// Environments, their internal-domain lists (rules 4, 5, 9, 11) and user providers; every change is audited.
import { sql } from 'kysely';
import { parseDomainList } from '../../shared/licensing/domains.ts';
import { sameEnvironment } from '../../shared/licensing/environment-names.ts';
import type { Actor } from '../audit/log.ts';
import { recordAudit } from '../audit/log.ts';
import { newId } from '../auth/secrets.ts';
import type { Db } from '../db/database.ts';
import { writeTransaction } from '../db/transaction.ts';
import { type ErrorText, notFound, validationFailed } from '../http/errors.ts';
import { message } from '../i18n/messages.ts';
import type { LicensingDeps } from './context.ts';
import { auditActor, domainListRefusal } from './licence.ts';
import type { EnvironmentView } from './records.ts';

const invalid = (field: string, text: ErrorText) => validationFailed({ [field]: text });

export interface EnvironmentPatch {
  name?: string | undefined;
  production?: boolean | undefined;
  /** The single comma-separated field the admin types. */
  internalDomains?: string | undefined;
  retentionDays?: number | null | undefined;
  unverifiedDays?: number | null | undefined;
}

function domainsOrFail(input: string): string[] {
  const parsed = parseDomainList(input);
  if (!parsed.ok) throw invalid('internalDomains', domainListRefusal(parsed.problems, parsed.message));
  return parsed.domains;
}

/** Environment names compare as everywhere else (environmentKey): SQL's lower() folds ASCII only. */
async function nameTaken(db: Db, name: string, except?: string): Promise<boolean> {
  const environments = await db.selectFrom('licence_environments').select(['id', 'name']).execute();
  return environments.some((env) => env.id !== except && sameEnvironment(env.name, name));
}

/** Reclassifies every stored row of an environment in one statement, from the domains kept on each row. */
async function reclassify(db: Db, environmentId: string, domains: readonly string[]): Promise<void> {
  const listed =
    domains.length === 0
      ? sql<string>`'internal'`
      : sql<string>`case
          when email_domain is null and username_domain is null then 'internal'
          when email_domain in (${sql.join(domains)}) or username_domain in (${sql.join(domains)}) then 'internal'
          else 'external' end`;
  await db
    .updateTable('licence_accounts')
    .set({ classification: listed })
    .where('environment_id', '=', environmentId)
    .execute();
}

export async function createEnvironment(
  deps: LicensingDeps,
  actor: Actor,
  input: { name: string; production: boolean; internalDomains?: string | undefined },
): Promise<EnvironmentView> {
  const domains = domainsOrFail(input.internalDomains ?? '');
  const name = input.name.trim();
  if (await nameTaken(deps.db, name)) throw invalid('name', message('licensing.error.environmentTaken', { name }));
  const id = newId();
  const now = deps.clock();
  await deps.licensing.current();
  await writeTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('licence_environments')
      .values({
        id,
        name,
        production: input.production ? 1 : 0,
        internal_domains: domains.join(','),
        own: 0,
        retention_days: null,
        unverified_days: null,
        created_at: now.toISOString(),
      })
      .execute();
    await recordAudit(trx, now, auditActor(actor), {
      action: 'configuration.changed',
      details: {
        what: 'environment.created',
        environment: name,
        production: input.production,
        internalDomains: domains.join(', '),
      },
    });
  });
  await deps.licensing.applyEnvironments();
  return deps.licensing.environmentById(id) as EnvironmentView;
}

export async function updateEnvironment(
  deps: LicensingDeps,
  actor: Actor,
  id: string,
  patch: EnvironmentPatch,
): Promise<EnvironmentView> {
  await deps.licensing.current();
  const before = deps.licensing.environmentById(id);
  if (!before) throw notFound('errors.not_found.environment');
  const domains = patch.internalDomains === undefined ? undefined : domainsOrFail(patch.internalDomains);
  const name = patch.name?.trim();
  if (name !== undefined && name !== before.name && (await nameTaken(deps.db, name, id))) {
    throw invalid('name', message('licensing.error.environmentTaken', { name }));
  }
  if (before.own && patch.production === false) {
    throw invalid('production', 'licensing.error.ownIsProduction');
  }
  const now = deps.clock();
  const details: Record<string, string | number | boolean | null> = {
    what: 'environment.updated',
    environment: before.name,
  };
  if (name !== undefined && name !== before.name) details.name = name;
  if (patch.production !== undefined && patch.production !== before.production) details.production = patch.production;
  if (domains !== undefined && domains.join(',') !== before.internalDomains.join(',')) {
    details.internalDomainsBefore = before.internalDomains.join(', ');
    details.internalDomains = domains.join(', ');
  }
  if (patch.retentionDays !== undefined && patch.retentionDays !== before.retentionDays)
    details.retentionDays = patch.retentionDays;
  if (patch.unverifiedDays !== undefined && patch.unverifiedDays !== before.unverifiedDays)
    details.unverifiedDays = patch.unverifiedDays;
  if (Object.keys(details).length === 2) return before;
  await writeTransaction(deps.db, async (trx) => {
    await trx
      .updateTable('licence_environments')
      .set({
        ...(name !== undefined ? { name } : {}),
        ...(patch.production !== undefined ? { production: patch.production ? 1 : 0 } : {}),
        ...(domains !== undefined ? { internal_domains: domains.join(',') } : {}),
        ...(patch.retentionDays !== undefined ? { retention_days: patch.retentionDays } : {}),
        ...(patch.unverifiedDays !== undefined ? { unverified_days: patch.unverifiedDays } : {}),
      })
      .where('id', '=', id)
      .execute();
    if (domains !== undefined) await reclassify(trx, id, domains);
    await recordAudit(trx, now, auditActor(actor), { action: 'configuration.changed', details });
  });
  await deps.licensing.applyEnvironments();
  return deps.licensing.environmentById(id) as EnvironmentView;
}

export async function listProviders(db: Db, environmentId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('licence_providers')
    .select('name')
    .where('environment_id', '=', environmentId)
    .orderBy('name')
    .execute();
  return rows.map((r) => r.name);
}

export async function addProvider(
  deps: LicensingDeps,
  actor: Actor,
  environmentId: string,
  name: string,
): Promise<void> {
  const env = deps.licensing.environmentById(environmentId);
  if (!env) throw notFound('errors.not_found.environment');
  const trimmed = name.trim();
  if ((await listProviders(deps.db, environmentId)).some((p) => p.toLowerCase() === trimmed.toLowerCase())) {
    throw invalid('provider', message('licensing.error.providerTaken', { environment: env.name, provider: trimmed }));
  }
  const now = deps.clock();
  await writeTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('licence_providers')
      .values({ id: newId(), environment_id: environmentId, name: trimmed, created_at: now.toISOString() })
      .execute();
    await recordAudit(trx, now, auditActor(actor), {
      action: 'configuration.changed',
      details: { what: 'provider.added', environment: env.name, provider: trimmed },
    });
  });
}
