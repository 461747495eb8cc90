// Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser that signed in to an
// account before carries a cookie naming it, and its sign-ins to that account are held only by a limit of their own.
// An attacker guessing from elsewhere, or sharing the real user's address, cannot lock that browser out.
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import { hashSecret, issueSecret, parseSecret, secretMatches } from './secrets.ts';

/** How long a browser stays known after its last sign-in to the account. */
export const DEVICE_REMEMBERED_SECONDS = 180 * 24 * 60 * 60;

export const deviceCookieName = (config: Config) => (config.secure ? '__Host-seatkeeper_device' : 'seatkeeper_device');

/** The device id when the cookie names a browser that signed in to this account recently enough, else null. */
export async function knownDevice(
  db: Db,
  cookie: string | undefined,
  accountId: string,
  now: Date,
): Promise<string | null> {
  const parsed = cookie ? parseSecret(cookie) : null;
  if (!parsed) return null;
  const row = await db
    .selectFrom('known_devices')
    .select(['secret_hash', 'last_sign_in_at'])
    .where('device_id', '=', parsed.id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!row || !secretMatches(parsed.secret, row.secret_hash)) return null;
  if (Date.parse(row.last_sign_in_at) + DEVICE_REMEMBERED_SECONDS * 1000 <= now.getTime()) return null;
  return parsed.id;
}

/**
 * Records a successful sign-in from this browser and returns the cookie value it should carry: its own, when that
 * is a device cookie we issued, else a new one. One browser keeps one id across the accounts it signs in to.
 */
export async function rememberDevice(
  db: Db,
  cookie: string | undefined,
  accountId: string,
  now: Date,
): Promise<string> {
  const at = now.toISOString();
  const parsed = cookie ? parseSecret(cookie) : null;
  if (parsed) {
    const issued = await db
      .selectFrom('known_devices')
      .select('secret_hash')
      .where('device_id', '=', parsed.id)
      .executeTakeFirst();
    if (issued && secretMatches(parsed.secret, issued.secret_hash)) {
      await db
        .insertInto('known_devices')
        .values({
          device_id: parsed.id,
          account_id: accountId,
          secret_hash: hashSecret(parsed.secret),
          created_at: at,
          last_sign_in_at: at,
        })
        .onConflict((oc) => oc.columns(['device_id', 'account_id']).doUpdateSet({ last_sign_in_at: at }))
        .execute();
      return cookie as string;
    }
  }
  const { id, token, secretHash } = issueSecret();
  await db
    .insertInto('known_devices')
    .values({ device_id: id, account_id: accountId, secret_hash: secretHash, created_at: at, last_sign_in_at: at })
    .execute();
  return token;
}
