// Throttles under parallel attack (issue 23, items 1 and 2): requests arriving together are counted before any
// password is checked, so exactly the limit is evaluated however many arrive at once; known devices get through.
import { describe, expect, it } from 'vitest';
import { addressKey, RULES } from '../../server/auth/throttle.ts';
import {
  call,
  createAccount,
  makeApp,
  STRONG_PASSWORD,
  sessionCookieFrom,
  type TestContext,
} from '../support/server.ts';

/** Counts the passwords actually checked (argon2 verifications), whatever the answer. */
function countEvaluations(ctx: TestContext): { readonly count: number } {
  const counter = { count: 0 };
  const { passwords } = ctx.deps;
  const verify = passwords.verify.bind(passwords);
  const verifyAgainstNothing = passwords.verifyAgainstNothing.bind(passwords);
  passwords.verify = (hash, password) => {
    counter.count++;
    return verify(hash, password);
  };
  passwords.verifyAgainstNothing = (password) => {
    counter.count++;
    return verifyAgainstNothing(password);
  };
  return counter;
}

const statusesOf = (responses: Response[]) => responses.map((response) => response.status);
const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

/** A sign-in with the headers a browser behind TRUST_PROXY=1 sends. */
const attempt = (ctx: TestContext, email: string, password: string, ip: string, cookie?: string) =>
  call(ctx, 'POST', '/api/v1/session', {
    json: { email, password },
    headers: { 'x-forwarded-for': ip, ...(cookie ? { cookie } : {}) },
  });

/** The device cookie a successful sign-in set. */
function deviceCookieFrom(response: Response): string {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith('seatkeeper_device='));
  if (!header) throw new Error(`no device cookie in ${response.headers.getSetCookie().join(' | ')}`);
  return header.split(';')[0] as string;
}

describe('sign-in throttles under parallel requests', () => {
  it('evaluates exactly 5 of 60 parallel wrong passwords for one account from one address', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const account = await createAccount(ctx, 'candidate');
    const evaluated = countEvaluations(ctx);
    const statuses = statusesOf(
      await Promise.all(Array.from({ length: 60 }, (_, i) => attempt(ctx, account.email, `guess ${i}`, '203.0.113.5'))),
    );
    expect(evaluated.count).toBe(RULES.signInAccountAndIp.limit);
    expect(count(statuses, 401)).toBe(RULES.signInAccountAndIp.limit);
    expect(count(statuses, 429)).toBe(60 - RULES.signInAccountAndIp.limit);
  });

  it('evaluates only 5 of a 40-request burst, the right password among them or not', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const account = await createAccount(ctx, 'candidate');
    const evaluated = countEvaluations(ctx);
    const passwords = Array.from({ length: 40 }, (_, i) => (i === 20 ? STRONG_PASSWORD : `guess ${i}`));
    const responses = await Promise.all(passwords.map((p) => attempt(ctx, account.email, p, '203.0.113.6')));
    const statuses = statusesOf(responses);
    expect(evaluated.count).toBe(5);
    expect(count(statuses, 429)).toBe(35);
    // The right password answered 200 only if it was one of the five evaluated.
    expect(count(statuses, 200) + count(statuses, 401)).toBe(5);
    const sessions = await ctx.deps.db.selectFrom('sessions').selectAll().execute();
    expect(sessions).toHaveLength(count(statuses, 200));
  });

  it('evaluates exactly 30 of 100 parallel password-spray requests across 100 accounts from one address', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const evaluated = countEvaluations(ctx);
    const statuses = statusesOf(
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => attempt(ctx, `sprayed${i}@example.com`, 'Summer2026!', '198.51.100.9')),
      ),
    );
    expect(evaluated.count).toBe(RULES.signInIp.limit);
    expect(count(statuses, 401)).toBe(RULES.signInIp.limit);
    expect(count(statuses, 429)).toBe(70);
  });

  it('evaluates at most 100 guesses an hour at one account, from 200 addresses at once (ASVS 5.0)', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const account = await createAccount(ctx, 'candidate');
    const evaluated = countEvaluations(ctx);
    const statuses = statusesOf(
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          attempt(ctx, account.email, `guess ${i}`, `10.${Math.floor(i / 250)}.${i % 250}.1`),
        ),
      ),
    );
    expect(evaluated.count).toBe(RULES.signInAccount.limit);
    expect(count(statuses, 429)).toBe(100);
    // The account's limit is per hour: an hour later, guesses are evaluated again.
    ctx.advance(RULES.signInAccount.windowSeconds);
    expect((await attempt(ctx, account.email, 'one more guess', '10.9.9.9')).status).toBe(401);
  });

  it('keys IPv6 clients by their /64: 50 addresses of one /64 share one allowance', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const account = await createAccount(ctx, 'candidate');
    const evaluated = countEvaluations(ctx);
    const statuses = statusesOf(
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          attempt(ctx, account.email, `guess ${i}`, `2001:db8:1:2::${i.toString(16)}`),
        ),
      ),
    );
    expect(evaluated.count).toBe(RULES.signInAccountAndIp.limit);
    expect(count(statuses, 429)).toBe(45);
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
  });
});

describe('known devices and progressive delays', () => {
  it('lets a known device sign in while its account and its address are under attack', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const account = await createAccount(ctx, 'candidate');
    const centre = '192.0.2.50';
    // Yesterday the candidate signed in from this browser, in the exam centre.
    const first = await attempt(ctx, account.email, STRONG_PASSWORD, centre);
    expect(first.status).toBe(200);
    const device = deviceCookieFrom(first);

    // Today someone in the same centre sprays passwords, and a botnet guesses this account's password.
    const spray = await Promise.all(
      Array.from({ length: 60 }, (_, i) => attempt(ctx, `victim${i}@example.com`, 'Winter2026!', centre)),
    );
    expect(count(statusesOf(spray), 429)).toBe(30);
    const guesses = await Promise.all(
      Array.from({ length: 120 }, (_, i) => attempt(ctx, account.email, `guess ${i}`, `172.16.${i}.9`)),
    );
    expect(count(statusesOf(guesses), 429)).toBe(20);

    // An unknown browser at the centre is held back; the known one signs in at once.
    const unknown = await attempt(ctx, account.email, STRONG_PASSWORD, centre);
    expect(unknown.status).toBe(429);
    const known = await attempt(ctx, account.email, STRONG_PASSWORD, centre, device);
    expect(known.status).toBe(200);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie: sessionCookieFrom(known) })).status).toBe(200);
  });

  it('does not treat a device cookie of another account, or a forged one, as known', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const owner = await createAccount(ctx, 'candidate');
    const other = await createAccount(ctx, 'candidate');
    const device = deviceCookieFrom(await attempt(ctx, owner.email, STRONG_PASSWORD, '192.0.2.1'));
    const [name, value = ''] = device.split('=');
    const forged = `${name}=${value.slice(0, 17)}${'a'.repeat(52)}`;
    for (const cookie of [device, forged]) {
      for (let i = 0; i < 5; i++) await attempt(ctx, other.email, `guess ${i}`, '192.0.2.2', cookie);
      expect((await attempt(ctx, other.email, STRONG_PASSWORD, '192.0.2.2', cookie)).status).toBe(429);
      ctx.advance(RULES.signInAccountAndIp.windowSeconds);
    }
  });

  it('holds a known device to a limit of its own', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const account = await createAccount(ctx, 'candidate');
    const device = deviceCookieFrom(await attempt(ctx, account.email, STRONG_PASSWORD, '192.0.2.1'));
    const evaluated = countEvaluations(ctx);
    const statuses = statusesOf(
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => attempt(ctx, account.email, `guess ${i}`, '192.0.2.1', device)),
      ),
    );
    expect(evaluated.count).toBe(RULES.signInDevice.limit);
    expect(count(statuses, 429)).toBe(40);
  });

  it('delays an address past its limit by 1, 2, 4... seconds instead of blocking it for the window', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const ip = '198.51.100.77';
    for (let i = 0; i < RULES.signInIp.limit; i++) {
      expect((await attempt(ctx, `spray${i}@example.com`, 'guess', ip)).status).toBe(401);
    }
    const waits: number[] = [];
    for (let n = 0; n < 4; n++) {
      const held = await attempt(ctx, 'next@example.com', 'guess', ip);
      expect(held.status).toBe(429);
      const wait = Number(held.headers.get('retry-after'));
      waits.push(wait);
      ctx.advance(wait);
      expect((await attempt(ctx, `after${n}@example.com`, 'guess', ip)).status).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8]);
    // The delay never exceeds a minute, however long the spraying goes on.
    for (let n = 0; n < 12; n++) {
      ctx.advance(60);
      await attempt(ctx, `late${n}@example.com`, 'guess', ip);
    }
    const held = await attempt(ctx, 'last@example.com', 'guess', ip);
    expect(Number(held.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });
});

describe('other throttles under parallel requests', () => {
  it('registers exactly 10 of 50 parallel registrations from one address', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const statuses = statusesOf(
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          call(ctx, 'POST', '/api/v1/registrations', {
            headers: { 'x-forwarded-for': '192.0.2.9' },
            json: { name: 'Candidate', email: `burst${i}@example.com`, password: STRONG_PASSWORD },
          }),
        ),
      ),
    );
    expect(count(statuses, 202)).toBe(RULES.registrationIp.limit);
    expect(count(statuses, 429)).toBe(40);
    const accounts = await ctx.deps.db.selectFrom('accounts').select('id').execute();
    expect(accounts).toHaveLength(RULES.registrationIp.limit);
  });

  it('answers exactly 10 of 50 parallel password-reset requests from one address', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const statuses = statusesOf(
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          call(ctx, 'POST', '/api/v1/password-resets', {
            headers: { 'x-forwarded-for': '192.0.2.10' },
            json: { email: `someone${i}@example.com` },
          }),
        ),
      ),
    );
    expect(count(statuses, 202)).toBe(RULES.passwordResetIp.limit);
    expect(count(statuses, 429)).toBe(40);
  });

  it('tries exactly 20 of 50 parallel link redemptions from one address', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const statuses = statusesOf(
      await Promise.all(
        Array.from({ length: 50 }, () =>
          call(ctx, 'POST', '/api/v1/email-verifications', {
            headers: { 'x-forwarded-for': '192.0.2.11' },
            json: { token: 'aaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
          }),
        ),
      ),
    );
    expect(count(statuses, 400)).toBe(RULES.tokenRedemptionIp.limit);
    expect(count(statuses, 429)).toBe(30);
  });
});
