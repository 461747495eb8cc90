// Rule 26a with several instances on one PostgreSQL database: a closing or an erasure on one instance reaches every
// other instance's live figures through the change feed (the accounts trigger fires on `active` and on `email`).
import { describe, expect, it } from 'vitest';
import { ownRef } from '../../server/licensing/records.ts';
import {
  anotherInstance,
  call,
  createAccount,
  makeApp,
  STRONG_PASSWORD,
  sessionCookieFor,
  type TestContext,
} from '../support/server.ts';

/** Polling gives up after this: a change that never arrives fails the test. How fast it arrives is a benchmark's. */
const GIVE_UP_AFTER_MS = 20_000;

async function eventually(what: string, check: () => boolean): Promise<void> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > GIVE_UP_AFTER_MS) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const liveAccount = (instance: TestContext, id: string) => instance.licensing.licensing.live.account(ownRef(id));

describe('closing and erasure across instances (PostgreSQL)', () => {
  it("one instance's closing and erasure reach the other's live figures", async () => {
    const ctx = await makeApp({ dialect: 'postgres' });
    const other = await anotherInstance(ctx);
    await other.licensing.licensing.ready();
    const admin = await createAccount(ctx, 'admin');
    const candidate = await createAccount(ctx, 'candidate');
    await eventually(
      'the candidate counted on the other instance',
      () => liveAccount(other, candidate.id)?.counted === true,
    );
    const before = other.licensing.licensing.live.totals().internal;

    const closed = await call(ctx, 'POST', '/api/v1/me/closure', {
      cookie: await sessionCookieFor(ctx, candidate),
      json: { password: STRONG_PASSWORD },
    });
    expect(closed.status).toBe(200);
    await eventually('the closing heard', () => liveAccount(other, candidate.id)?.counted === false);
    expect(other.licensing.licensing.live.totals().internal).toBe(before - 1);

    const erased = await call(ctx, 'POST', `/api/v1/users/${candidate.id}/erasure`, {
      cookie: await sessionCookieFor(ctx, admin),
    });
    expect(erased.status).toBe(200);
    await eventually('the erasure heard', () => liveAccount(other, candidate.id) === null);
    expect(other.licensing.licensing.live.totals().notCounted.inactive).toBe(0);
    const recount = await other.licensing.licensing.recount();
    expect(recount).toMatchObject({ agrees: true, differences: [] });
  });
});
