// The licence (rules 20 to 23), the organisation's declared domains (rule 28) and the summary the extension reads.
import {
  type Breach,
  defaultEndsOn,
  extendTrial,
  type Licence,
  type LicenceStatus,
  type LicenceType,
  licenceCapacity,
  licenceStatus,
  licenceTerm,
  parseIsoDate,
  type Term,
  type UsageLevel,
} from '../../shared/licensing/capacity.ts';
import { type DomainListProblem, parseDomainList } from '../../shared/licensing/domains.ts';
import type { Actor } from '../audit/log.ts';
import { recordAudit } from '../audit/log.ts';
import { writeTransaction } from '../db/transaction.ts';
import { type ErrorText, validationFailed } from '../http/errors.ts';
import { calendarDay } from '../i18n/calendar.ts';
import { type Message, message } from '../i18n/messages.ts';
import type { LicensingDeps } from './context.ts';

/** The organisation's calendar day now (its time zone's, not UTC's): the licence's days are counted in it. */
export const today = async (deps: Pick<LicensingDeps, 'clock' | 'organisationTimeZone'>) =>
  calendarDay(deps.clock(), await deps.organisationTimeZone());

export const auditActor = (actor: Actor) => ({
  accountId: actor.account?.id ?? null,
  email: actor.account?.email ?? null,
  ip: actor.ip,
});

export async function readLicence(deps: LicensingDeps): Promise<Licence | null> {
  const row = await deps.db.selectFrom('licence_settings').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!row?.licence_type || !row.starts_on || !row.ends_on) return null;
  return {
    type: row.licence_type as LicenceType,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    internalPacks: row.internal_packs,
    externalPacks: row.external_packs,
    cancelledOn: row.cancelled_on,
  };
}

export async function readOrganisationDomains(deps: LicensingDeps): Promise<string[]> {
  const row = await deps.db
    .selectFrom('licence_settings')
    .select('organisation_domains')
    .where('id', '=', 1)
    .executeTakeFirst();
  return row?.organisation_domains ? row.organisation_domains.split(',') : [];
}

export async function currentTerm(deps: LicensingDeps): Promise<Term | null> {
  const licence = await readLicence(deps);
  return licence ? licenceTerm(licence, await today(deps)) : null;
}

const invalid = (field: string, text: ErrorText) => validationFailed({ [field]: text });

/**
 * A refused domain list (rule 11): the rulebook's English names each entry and why; other languages name the entries
 * and what a domain looks like.
 */
export const domainListRefusal = (problems: DomainListProblem[], english: string): Message => ({
  key: 'licensing.error.domains',
  values: { entries: problems.map((p) => `"${p.entry}"`).join(', ') },
  english,
});

/** A refused Trial extension (rule 22), likewise: the rulebook's English, or the rule in other languages. */
const extensionRefusal = (english: string): Message => ({
  key: 'licensing.error.extension',
  english: `${english.charAt(0).toUpperCase()}${english.slice(1)}.`,
});

function checkDate(field: string, value: string): void {
  try {
    parseIsoDate(value);
  } catch {
    throw invalid(field, message('licensing.error.notADate', { value }));
  }
}

export interface LicenceInput {
  type: LicenceType;
  startsOn: string;
  endsOn?: string | undefined;
  internalPacks?: number | undefined;
  externalPacks?: number | undefined;
}

/** What saving a licence would take away: capacity below the saved one, or an earlier end. */
export type LicenceChangeEffect =
  | { kind: 'lowers-internal' | 'lowers-external'; before: number; after: number; used: number }
  | { kind: 'ends-earlier'; endsOn: string; days: number }
  | { kind: 'ends-now'; endsOn: string };

const DAY_MS = 86_400_000;

/** The effects an admin confirms before a licence that lowers capacity or ends the licence is saved (issue 15). */
export async function licenceChangeEffects(deps: LicensingDeps, input: LicenceInput): Promise<LicenceChangeEffect[]> {
  const saved = await readLicence(deps);
  if (!saved) return [];
  const packs = input.type === 'subscription';
  const next: Licence = {
    type: input.type,
    startsOn: input.startsOn,
    endsOn: input.endsOn ?? defaultEndsOn(input.type, input.startsOn),
    internalPacks: packs ? (input.internalPacks ?? 0) : 0,
    externalPacks: packs ? (input.externalPacks ?? 0) : 0,
  };
  const before = licenceCapacity(saved);
  const after = licenceCapacity(next);
  await deps.licensing.current();
  const used = deps.licensing.live.totals();
  const effects: LicenceChangeEffect[] = [];
  if (after.internal < before.internal) {
    effects.push({ kind: 'lowers-internal', before: before.internal, after: after.internal, used: used.internal });
  }
  if (after.external < before.external) {
    effects.push({ kind: 'lowers-external', before: before.external, after: after.external, used: used.external });
  }
  if (next.endsOn < (await today(deps))) effects.push({ kind: 'ends-now', endsOn: next.endsOn });
  else if (next.endsOn < saved.endsOn) {
    const days = Math.round((Date.parse(saved.endsOn) - Date.parse(next.endsOn)) / DAY_MS);
    effects.push({ kind: 'ends-earlier', endsOn: next.endsOn, days });
  }
  return effects;
}

/** Sets the licence (a new term, or packs bought). A Trial's end date only moves through extendLicence. */
export async function saveLicence(deps: LicensingDeps, actor: Actor, input: LicenceInput): Promise<Licence> {
  checkDate('startsOn', input.startsOn);
  const endsOn = input.endsOn ?? defaultEndsOn(input.type, input.startsOn);
  checkDate('endsOn', endsOn);
  if (endsOn < input.startsOn) throw invalid('endsOn', 'licensing.error.endBeforeStart');
  if (input.type === 'trial' && endsOn > defaultEndsOn('trial', input.startsOn)) {
    throw invalid('endsOn', 'licensing.error.trialStart');
  }
  const packs = input.type === 'subscription';
  const licence: Licence = {
    type: input.type,
    startsOn: input.startsOn,
    endsOn,
    internalPacks: packs ? (input.internalPacks ?? 0) : 0,
    externalPacks: packs ? (input.externalPacks ?? 0) : 0,
    cancelledOn: null,
  };
  await writeLicence(deps, actor, licence, 'licence.set');
  return licence;
}

export async function extendLicence(deps: LicensingDeps, actor: Actor, newEndsOn: string): Promise<Licence> {
  checkDate('endsOn', newEndsOn);
  const licence = await readLicence(deps);
  if (!licence) throw invalid('endsOn', 'licensing.error.nothingToExtend');
  const result = extendTrial(licence, newEndsOn);
  if (!result.ok) throw invalid('endsOn', extensionRefusal(result.message));
  await writeLicence(deps, actor, result.licence, 'licence.extended');
  return result.licence;
}

export async function cancelLicence(deps: LicensingDeps, actor: Actor, cancelledOn: string): Promise<Licence> {
  checkDate('cancelledOn', cancelledOn);
  const licence = await readLicence(deps);
  if (!licence) throw invalid('cancelledOn', 'licensing.error.nothingToCancel');
  const cancelled = { ...licence, cancelledOn };
  await writeLicence(deps, actor, cancelled, 'licence.cancelled');
  return cancelled;
}

async function writeLicence(deps: LicensingDeps, actor: Actor, licence: Licence, what: string): Promise<void> {
  const now = deps.clock();
  await writeTransaction(deps.db, async (trx) => {
    await trx
      .updateTable('licence_settings')
      .set({
        licence_type: licence.type,
        starts_on: licence.startsOn,
        ends_on: licence.endsOn,
        internal_packs: licence.internalPacks ?? 0,
        external_packs: licence.externalPacks ?? 0,
        cancelled_on: licence.cancelledOn ?? null,
      })
      .where('id', '=', 1)
      .execute();
    await recordAudit(trx, now, auditActor(actor), {
      action: 'configuration.changed',
      details: {
        what,
        type: licence.type,
        startsOn: licence.startsOn,
        endsOn: licence.endsOn,
        internalPacks: licence.internalPacks ?? 0,
        externalPacks: licence.externalPacks ?? 0,
        cancelledOn: licence.cancelledOn ?? null,
      },
    });
  });
  deps.licensing.changed();
}

/** Rule 28: the organisation's own, parent and affiliate domains, validated like an internal list. */
export async function saveOrganisationDomains(deps: LicensingDeps, actor: Actor, input: string): Promise<string[]> {
  const parsed = parseDomainList(input);
  // The field is `domains` in the form and the API; these are the organisation's domains, not an environment's.
  if (!parsed.ok) {
    const english = parsed.message.replace('Internal domain list', 'Organisation domain list');
    throw invalid('domains', domainListRefusal(parsed.problems, english));
  }
  const now = deps.clock();
  await writeTransaction(deps.db, async (trx) => {
    await trx
      .updateTable('licence_settings')
      .set({ organisation_domains: parsed.domains.join(',') })
      .where('id', '=', 1)
      .execute();
    await recordAudit(trx, now, auditActor(actor), {
      action: 'configuration.changed',
      details: { what: 'organisation-domains', domains: parsed.domains.join(', ') },
    });
  });
  return parsed.domains;
}

export interface Bucket {
  used: number;
  capacity: number | null;
  level: UsageLevel | null;
  percent: number | null;
}

export interface LicenceSummary {
  asOf: string;
  internal: Bucket;
  external: Bucket;
  licence: { type: LicenceType; endsOn: string; state: Term['state'] } | null;
  breaches: Breach[];
  status: LicenceStatus | null;
  environments: {
    id: string;
    name: string;
    production: boolean;
    internal: number;
    external: number;
    providers: { name: string; internal: number; external: number }[];
  }[];
}

/** The live figures against the licence, with the time they were computed. */
export async function licenceSummary(deps: LicensingDeps): Promise<LicenceSummary> {
  const licensing = deps.licensing;
  await licensing.current();
  const totals = licensing.live.totals();
  const licence = await readLicence(deps);
  const productionEnvironments = licensing.environments.length;
  const status = licence
    ? licenceStatus(
        licence,
        { internal: totals.internal, external: totals.external },
        await today(deps),
        productionEnvironments,
      )
    : null;
  const bucket = (used: number, usage: LicenceStatus['internal'] | undefined): Bucket =>
    usage
      ? { used, capacity: usage.capacity, level: usage.level, percent: usage.percent }
      : { used, capacity: null, level: null, percent: null };
  const byName = new Map(totals.environments.map((e) => [e.name, e]));
  return {
    asOf: deps.clock().toISOString(),
    internal: bucket(totals.internal, status?.internal),
    external: bucket(totals.external, status?.external),
    licence: licence && status ? { type: licence.type, endsOn: licence.endsOn, state: status.term.state } : null,
    breaches: status?.breaches ?? [],
    status,
    environments: licensing.environments.map((env) => {
      const counted = byName.get(env.name);
      return {
        id: env.id,
        name: env.name,
        production: env.production,
        internal: counted?.internal ?? 0,
        external: counted?.external ?? 0,
        providers: (counted?.providers ?? []).map((p) => ({
          name: p.name,
          internal: p.internal,
          external: p.external,
        })),
      };
    }),
  };
}
