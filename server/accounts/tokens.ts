import type { Actor } from '../audit/log.ts';
import { recordAudit } from '../audit/log.ts';
import { type AccessTokenView, issueAccessTokenSecret, listAccessTokens } from '../auth/access-tokens.ts';
import type { Account, TokenScope } from '../auth/tables.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { Deps } from '../deps.ts';
import { ApiError, notFound, validationFailed } from '../http/errors.ts';

const actorOf = (account: Account, ip: string) => ({ accountId: account.id, email: account.email, ip });

/** Admins see every token; support staff see only their own. */
export const visibleTokens = (deps: Deps, owner: Account) =>
  listAccessTokens(deps.db, owner.role === 'admin' ? null : owner.id);

/** Creates a token for the acting staff member; the secret is returned here and never again. */
export async function createAccessToken(
  deps: Deps,
  actor: Actor & { account: Account },
  input: { name: string; scope: TokenScope; expiresAt?: string | undefined },
): Promise<{ token: string; view: AccessTokenView }> {
  const owner = actor.account;
  if (input.scope === 'admin' && owner.role !== 'admin') {
    throw new ApiError(403, 'scope_not_allowed', 'errors.scope_not_allowed', { scope: 'fields.scopeSupport' });
  }
  const now = deps.clock();
  if (input.expiresAt && new Date(input.expiresAt) <= now) {
    throw validationFailed({ expiresAt: 'fields.futureTime' });
  }
  const { id, token, secretHash } = issueAccessTokenSecret();
  const view: AccessTokenView = {
    id,
    name: input.name.trim(),
    scope: input.scope,
    owner: { id: owner.id, email: owner.email },
    createdAt: now.toISOString(),
    expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
    lastUsedAt: null,
    revokedAt: null,
  };
  await writeTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('access_tokens')
      .values({
        id,
        account_id: owner.id,
        name: view.name,
        scope: view.scope,
        secret_hash: secretHash,
        created_at: view.createdAt,
        expires_at: view.expiresAt,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    await recordAudit(trx, now, actorOf(owner, actor.ip), {
      action: 'token.created',
      targetAccountId: owner.id,
      details: { tokenId: id, name: view.name, scope: view.scope },
    });
  });
  return { token, view };
}

/** Owners revoke their own tokens; admins may revoke anyone's. */
export async function revokeAccessToken(
  deps: Deps,
  actor: Actor & { account: Account },
  tokenId: string,
): Promise<void> {
  const now = deps.clock();
  const row = await deps.db
    .selectFrom('access_tokens')
    .select(['id', 'account_id', 'revoked_at'])
    .where('id', '=', tokenId)
    .executeTakeFirst();
  if (!row || (actor.account.role !== 'admin' && row.account_id !== actor.account.id))
    throw notFound('errors.not_found.token');
  if (row.revoked_at) return;
  await writeTransaction(deps.db, async (trx) => {
    await trx.updateTable('access_tokens').set({ revoked_at: now.toISOString() }).where('id', '=', tokenId).execute();
    await recordAudit(trx, now, actorOf(actor.account, actor.ip), {
      action: 'token.revoked',
      targetAccountId: row.account_id,
      details: { tokenId },
    });
  });
}
