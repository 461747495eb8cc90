// Daily history, forecast and usage warnings (rules 21 and 24), and the daily job that runs retention.
import {
  addDays,
  daysBetween,
  EXTERNAL_PACK,
  INTERNAL_PACK,
  licenceCapacity,
  packsNeeded,
  type Usage,
  type UsageLevel,
  usageLevel,
} from '../../shared/licensing/capacity.ts';
import type { I18n } from '../i18n/messages.ts';
import { mailReader } from '../mail/language.ts';
import type { OutgoingMail } from '../mail/mailer.ts';
import type { LicensingDeps } from './context.ts';
import { eraseClosedAccountsDue } from './leaving.ts';
import { readLicence, today } from './licence.ts';
import { applyRetention } from './retention.ts';

export async function recordHistory(deps: LicensingDeps): Promise<void> {
  const totals = deps.licensing.live.totals();
  const licence = await readLicence(deps);
  const capacity = licence ? licenceCapacity(licence) : null;
  const row = {
    internal: totals.internal,
    external: totals.external,
    internal_capacity: capacity?.internal ?? null,
    external_capacity: capacity?.external ?? null,
    at: deps.clock().toISOString(),
  };
  await deps.db
    .insertInto('licence_history')
    .values({ day: await today(deps), ...row })
    .onConflict((oc) => oc.column('day').doUpdateSet(row))
    .execute();
}

export interface HistoryPoint {
  day: string;
  internal: number;
  external: number;
  internalCapacity: number | null;
  externalCapacity: number | null;
}

export async function readHistory(deps: LicensingDeps, days = 90): Promise<HistoryPoint[]> {
  const from = addDays(await today(deps), -days);
  const rows = await deps.db
    .selectFrom('licence_history')
    .selectAll()
    .where('day', '>=', from)
    .orderBy('day')
    .execute();
  return rows.map((r) => ({
    day: r.day,
    internal: r.internal,
    external: r.external,
    internalCapacity: r.internal_capacity,
    externalCapacity: r.external_capacity,
  }));
}

export interface BucketForecast {
  perDay: number;
  /** The day capacity runs out at this rate, null when it does not grow or there is no licence. */
  runsOutOn: string | null;
  packsNeeded12Months: number;
}

function forecastBucket(
  points: HistoryPoint[],
  pick: (p: HistoryPoint) => number,
  capacity: number | null,
  pack: number,
  todayIso: string,
): BucketForecast {
  const last = points[points.length - 1];
  const window = points.filter((p) => last && daysBetween(p.day, last.day) <= 30);
  const first = window[0];
  const span = first && last ? daysBetween(first.day, last.day) : 0;
  const perDay = first && last && span > 0 ? Math.max(0, (pick(last) - pick(first)) / span) : 0;
  const now = last ? pick(last) : 0;
  if (capacity === null) return { perDay, runsOutOn: null, packsNeeded12Months: 0 };
  const runsOutOn =
    perDay > 0
      ? now > capacity
        ? todayIso
        : addDays(todayIso, Math.ceil((capacity - now) / perDay))
      : now > capacity
        ? todayIso
        : null;
  return { perDay, runsOutOn, packsNeeded12Months: packsNeeded(Math.ceil(now + perDay * 365), capacity, pack) };
}

/** At the rate of the last 30 days of history: when capacity runs out and the packs needed for 12 months. */
export function forecast(
  points: HistoryPoint[],
  capacity: { internal: number; external: number } | null,
  todayIso: string,
) {
  return {
    internal: forecastBucket(points, (p) => p.internal, capacity?.internal ?? null, INTERNAL_PACK, todayIso),
    external: forecastBucket(points, (p) => p.external, capacity?.external ?? null, EXTERNAL_PACK, todayIso),
  };
}

const RANK: Record<UsageLevel, number> = { ok: 0, notice: 1, warning: 2, over: 3 };

/**
 * Emails admins once per level crossing (80%, 90%, over 100%) per bucket. A drop re-arms the level only when
 * `rearm` (the daily job, which one instance runs on settled figures): instances sharing a PostgreSQL database learn
 * of each other's changes a moment apart, so one that lags would see a drop that is not there, re-arm, and the next
 * rise would mail admins twice. A count hovering around a threshold mails at most once a day.
 */
export async function checkWarnings(deps: LicensingDeps, { rearm = false } = {}): Promise<void> {
  const licence = await readLicence(deps);
  if (!licence) return;
  const capacity = licenceCapacity(licence);
  const totals = deps.licensing.live.totals();
  const stored = new Map(
    (await deps.db.selectFrom('licence_notifications').selectAll().execute()).map((r) => [
      r.bucket,
      r.level as UsageLevel,
    ]),
  );
  for (const bucket of ['internal', 'external'] as const) {
    const usage = usageLevel(totals[bucket], capacity[bucket]);
    const previous = stored.get(bucket) ?? 'ok';
    if (usage.level === previous || (!rearm && RANK[usage.level] < RANK[previous])) continue;
    const now = deps.clock().toISOString();
    // The level moves from `previous` only once, whichever instance (or burst of changes) notices first: it mails.
    const moved = stored.has(bucket)
      ? await deps.db
          .updateTable('licence_notifications')
          .set({ level: usage.level, at: now })
          .where('bucket', '=', bucket)
          .where('level', '=', previous)
          .executeTakeFirst()
          .then((r) => Number(r.numUpdatedRows))
      : await deps.db
          .insertInto('licence_notifications')
          .values({ bucket, level: usage.level, at: now })
          .onConflict((oc) => oc.column('bucket').doNothing())
          .executeTakeFirst()
          .then((r) => Number(r.numInsertedOrUpdatedRows ?? 0));
    if (moved === 0 || RANK[usage.level] <= RANK[previous]) continue;
    const admins = await deps.db
      .selectFrom('accounts')
      .select(['email', 'locale'])
      .where('role', '=', 'admin')
      .where('active', '=', 1)
      .execute();
    for (const admin of admins) {
      try {
        await deps.mailer.send(usageWarningMail(mailReader(admin), admin.email, deps.config.publicUrl, bucket, usage));
      } catch (error) {
        deps.logger.error('mail delivery failed', {
          to: admin.email,
          subject: 'licence warning',
          reason: String(error),
        });
      }
    }
  }
}

/** Rule 21's warning to an admin, in their language. */
function usageWarningMail(
  { t, format }: I18n,
  to: string,
  publicUrl: string,
  bucket: 'internal' | 'external',
  usage: Usage,
): OutgoingMail {
  const values = {
    bucket,
    level: usage.level,
    used: usage.used,
    capacity: usage.capacity,
    percent: usage.percent === null ? 'none' : format.percent(usage.percent / 100),
    link: `${publicUrl}/portal/licence`,
  };
  return { to, subject: t('licensing.mail.warning.subject', values), text: t('licensing.mail.warning.body', values) };
}

export async function afterLicenceChange(deps: LicensingDeps, options: { rearm?: boolean } = {}): Promise<void> {
  await recordHistory(deps);
  await checkWarnings(deps, options);
}

/**
 * The daily job: retention, erasure of closed accounts, history, warnings. A row in licence_job_runs claims the day, so a second instance (or a
 * second timer tick) does not run it twice.
 */
export async function runDailyJob(deps: LicensingDeps): Promise<boolean> {
  await deps.licensing.current();
  const day = await today(deps);
  const claimed = await deps.db
    .insertInto('licence_job_runs')
    .values({ job: 'daily', day, started_at: deps.clock().toISOString() })
    .onConflict((oc) => oc.columns(['job', 'day']).doNothing())
    .executeTakeFirst();
  if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) return false;
  const deactivated = await applyRetention(deps, null);
  if (deactivated.length > 0) deps.logger.info('retention applied', { deactivated: deactivated.length });
  // Rule 26a: closed accounts past the organisation's erasure days lose their personal data.
  const erased = await eraseClosedAccountsDue(deps);
  if (erased > 0) deps.logger.info('closed accounts erased', { erased });
  await afterLicenceChange(deps, { rearm: true });
  return true;
}

/** Checks every hour whether today's run is due; returns a stop function. */
export function startDailyJob(deps: LicensingDeps, everyMs = 3_600_000): () => void {
  const tick = () => {
    runDailyJob(deps).catch((error: unknown) =>
      deps.logger.error('daily licence job failed', { error: String(error) }),
    );
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
