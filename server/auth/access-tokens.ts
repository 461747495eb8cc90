import type { Db } from '../db/database.ts';
import { issueSecret, parseSecret, secretMatches } from './secrets.ts';
import type { Account, TokenScope } from './tables.ts';

export const ACCESS_TOKEN_PREFIX = 'skp_';
const LAST_USED_RESOLUTION_MS = 60_000;

export function issueAccessTokenSecret() {
  const issued = issueSecret();
  return { ...issued, token: `${ACCESS_TOKEN_PREFIX}${issued.token}` };
}

/** Resolves a bearer token to its owner; revoked, expired or deactivated-owner tokens resolve to null. */
export async function validateAccessToken(
  db: Db,
  bearer: string,
  now: Date,
): Promise<{ tokenId: string; scope: TokenScope; account: Account } | null> {
  if (!bearer.startsWith(ACCESS_TOKEN_PREFIX)) return null;
  const parsed = parseSecret(bearer.slice(ACCESS_TOKEN_PREFIX.length));
  if (!parsed) return null;
  const row = await db
    .selectFrom('access_tokens')
    .innerJoin('accounts', 'accounts.id', 'access_tokens.account_id')
    .selectAll('accounts')
    .select([
      'access_tokens.secret_hash as token_secret_hash',
      'access_tokens.scope as token_scope',
      'access_tokens.expires_at as token_expires_at',
      'access_tokens.revoked_at as token_revoked_at',
      'access_tokens.last_used_at as token_last_used_at',
    ])
    .where('access_tokens.id', '=', parsed.id)
    .executeTakeFirst();
  if (!row || !secretMatches(parsed.secret, row.token_secret_hash)) return null;
  const {
    token_secret_hash: _hash,
    token_scope,
    token_expires_at,
    token_revoked_at,
    token_last_used_at,
    ...account
  } = row;
  if (token_revoked_at || account.active !== 1) return null;
  if (token_expires_at && new Date(token_expires_at) <= now) return null;
  if (!token_last_used_at || now.getTime() - new Date(token_last_used_at).getTime() >= LAST_USED_RESOLUTION_MS) {
    // Bookkeeping only: a token still works when its last use cannot be written (a full disk).
    await db
      .updateTable('access_tokens')
      .set({ last_used_at: now.toISOString() })
      .where('id', '=', parsed.id)
      .execute()
      .catch(() => {});
  }
  return { tokenId: parsed.id, scope: token_scope, account };
}

/** Revokes every token of the account still in force (a password reset, "sign out everywhere"); how many it revoked. */
export async function revokeAccountTokens(db: Db, accountId: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('access_tokens')
    .set({ revoked_at: now.toISOString() })
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now.toISOString())]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface AccessTokenView {
  id: string;
  name: string;
  scope: TokenScope;
  owner: { id: string; email: string };
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export async function listAccessTokens(db: Db, ownerId: string | null): Promise<AccessTokenView[]> {
  let query = db
    .selectFrom('access_tokens')
    .innerJoin('accounts', 'accounts.id', 'access_tokens.account_id')
    .select([
      'access_tokens.id',
      'access_tokens.name',
      'access_tokens.scope',
      'access_tokens.created_at',
      'access_tokens.expires_at',
      'access_tokens.last_used_at',
      'access_tokens.revoked_at',
      'accounts.id as owner_id',
      'accounts.email as owner_email',
    ])
    .orderBy('access_tokens.created_at', 'desc');
  if (ownerId) query = query.where('access_tokens.account_id', '=', ownerId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    scope: r.scope,
    owner: { id: r.owner_id, email: r.owner_email },
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}
