// Retention (rules 25 and 26): candidates without a sign-in for N days, and candidates who never verified their email,
// are deactivated (never deleted), one audit entry each. Staff and candidates with an exam in progress are exempt.
import { addDays } from '../../shared/licensing/capacity.ts';
import type { Actor } from '../audit/log.ts';
import { recordAudit } from '../audit/log.ts';
import type { AccountDeactivationColumn } from '../auth/tables.ts';
import { writeTransaction } from '../db/transaction.ts';
import { calendarDay, startOfDay } from '../i18n/calendar.ts';
import type { LicensingDeps } from './context.ts';
import { auditActor } from './licence.ts';
import { ownRef } from './records.ts';

export interface RetentionCandidate {
  id: string;
  email: string;
  name: string;
  lastSignInAt: string | null;
  createdAt: string;
  reason: 'retention' | 'unverified';
}

/**
 * The moment before which activity counts as "more than `days` days ago": the start of the organisation's calendar
 * day `days` days before today, so a whole day of the organisation's is kept or let go together.
 */
async function cutoff(deps: LicensingDeps, days: number): Promise<string> {
  const zone = await deps.organisationTimeZone();
  return startOfDay(addDays(calendarDay(deps.clock(), zone), -days), zone).toISOString();
}

export async function retentionCandidates(deps: LicensingDeps): Promise<RetentionCandidate[]> {
  await deps.licensing.current();
  const env = deps.licensing.ownEnvironment();
  const exempt = await deps.accountsWithExamInProgress();
  const found = new Map<string, RetentionCandidate>();
  const base = deps.db
    .selectFrom('accounts')
    .select(['id', 'email', 'name', 'last_sign_in_at', 'created_at'])
    .where('role', '=', 'candidate')
    .where('active', '=', 1);
  if (env.unverifiedDays !== null) {
    const before = await cutoff(deps, env.unverifiedDays);
    const rows = await base.where('email_verified_at', 'is', null).where('created_at', '<', before).execute();
    for (const r of rows) {
      found.set(r.id, {
        id: r.id,
        email: r.email,
        name: r.name,
        lastSignInAt: r.last_sign_in_at,
        createdAt: r.created_at,
        reason: 'unverified',
      });
    }
  }
  if (env.retentionDays !== null) {
    const before = await cutoff(deps, env.retentionDays);
    const rows = await base.where((eb) => eb(eb.fn.coalesce('last_sign_in_at', 'created_at'), '<', before)).execute();
    for (const r of rows) {
      if (!found.has(r.id)) {
        found.set(r.id, {
          id: r.id,
          email: r.email,
          name: r.name,
          lastSignInAt: r.last_sign_in_at,
          createdAt: r.created_at,
          reason: 'retention',
        });
      }
    }
  }
  return [...found.values()].filter((c) => !exempt.has(c.id)).sort((a, b) => (a.email < b.email ? -1 : 1));
}

export interface RetentionDryRun {
  candidates: RetentionCandidate[];
  before: { internal: number; external: number };
  after: { internal: number; external: number };
}

/** Who would be deactivated and what the totals would become; changes nothing. */
export async function retentionDryRun(deps: LicensingDeps): Promise<RetentionDryRun> {
  const candidates = await retentionCandidates(deps);
  const before = deps.licensing.live.totals();
  // Off the request thread with a database file: counting a million accounts again takes seconds.
  const { answer } = await deps.licensing.fullCountTask({
    kind: 'retention',
    leavingRefs: candidates.map((c) => ownRef(c.id)),
  });
  const { after } = answer;
  return {
    candidates,
    before: { internal: before.internal, external: before.external },
    after: { internal: after.internal, external: after.external },
  };
}

/** Deactivates the candidates found now; `actor` null means the daily job. */
export async function applyRetention(deps: LicensingDeps, actor: Actor | null): Promise<RetentionCandidate[]> {
  const candidates = await retentionCandidates(deps);
  if (candidates.length === 0) return [];
  const env = deps.licensing.ownEnvironment();
  const now = deps.clock();
  const who = actor ? auditActor(actor) : { accountId: null, email: 'retention job', ip: 'system' };
  await writeTransaction(deps.db, async (trx) => {
    for (const c of candidates) {
      const updated = await trx
        .withTables<AccountDeactivationColumn>()
        .updateTable('accounts')
        .set({ active: 0, deactivated_at: now.toISOString(), deactivation_reason: c.reason })
        .where('id', '=', c.id)
        .where('active', '=', 1)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) continue;
      await trx.deleteFrom('sessions').where('account_id', '=', c.id).execute();
      await recordAudit(trx, now, who, {
        action: 'account.deactivated',
        targetAccountId: c.id,
        details: {
          reason: c.reason,
          days: c.reason === 'retention' ? env.retentionDays : env.unverifiedDays,
          lastSignInAt: c.lastSignInAt,
        },
      });
    }
  });
  for (const c of candidates) {
    deps.accountChanges.notify({ kind: 'deactivated', accountId: c.id, role: 'candidate', at: now.toISOString() });
  }
  await deps.licensing.current();
  return candidates;
}
