// Rule 26a (/work/shared/spec/licensing.md, section 6): an account its owner closed counts as deactivated from that
// moment; an account erased for privacy is gone from every count and every link (rule 14). The server stores a closed
// account as an inactive record and leaves an erased one out of what it hands the engine; these pin what the engine
// then answers, in the full count and in the live count alike.
import { describe, expect, it } from 'vitest';
import {
  type AccountRecord,
  countLicences,
  type EnvironmentRules,
  LiveLicenceCount,
} from '../../../shared/licensing/index.ts';

const PRODUCTION: EnvironmentRules[] = [{ name: 'Production', production: true, internalDomains: ['acme.com'] }];

const account = (ref: string, provider: string, username: string, email: string, active = true): AccountRecord => ({
  ref,
  environment: 'Production',
  provider,
  username,
  email,
  active,
});

/** The candidate's own Seatkeeper account: username = email, as the server stores it. */
const own = (active = true) => account('seatkeeper:ann', 'Seatkeeper', 'ann@gmail.com', 'ann@gmail.com', active);
const closed = () => own(false);

/** Both ways the figures are made must agree on every step (rule 24). */
function figures(records: AccountRecord[]) {
  const full = countLicences(records, PRODUCTION);
  const live = new LiveLicenceCount(PRODUCTION, records).totals();
  expect({ internal: live.internal, external: live.external, raw: live.raw, notCounted: live.notCounted }).toEqual({
    internal: full.internal,
    external: full.external,
    raw: full.raw,
    notCounted: full.notCounted,
  });
  return full;
}

describe("rule 26a: closing one's own account counts as deactivated", () => {
  it('a closed account stops counting at once and is reported as not counted (inactive)', () => {
    expect(figures([own()])).toMatchObject({ external: 1, notCounted: { inactive: 0 } });
    expect(figures([closed()])).toMatchObject({ external: 0, raw: { external: 0 }, notCounted: { inactive: 1 } });
  });

  it('the live count drops with one change, the closing itself', () => {
    const live = new LiveLicenceCount(PRODUCTION, [own(), account('import:1', 'Okta', 'bob', 'bob@gmail.com')]);
    expect(live.totals().external).toBe(2);
    live.upsert(closed());
    expect(live.totals().external).toBe(1);
    expect(live.account('seatkeeper:ann')).toMatchObject({ counted: false, notCountedReason: 'inactive' });
  });

  it('frees no seat while the person still counts through an account of another provider (rules 1 and 14)', () => {
    const okta = account('import:1', 'Okta', 'ann', 'ann@gmail.com');
    expect(figures([own(), okta]).external).toBe(1);
    expect(figures([closed(), okta]).external).toBe(1);
    const live = new LiveLicenceCount(PRODUCTION, [closed(), okta]);
    expect(live.account('seatkeeper:ann')?.mergedWith).toEqual(['import:1']);
    expect(live.account('import:1')?.counted).toBe(true);
  });

  it('a closed account still links the accounts it bridges (Decision D3), so closing it splits nobody', () => {
    // Okta shares the email with the own account, AD its username; Okta and AD share nothing.
    const okta = account('import:1', 'Okta', 'okta-ann', 'ann@gmail.com');
    const ad = account('import:2', 'AD', 'ann@gmail.com', '');
    expect(figures([own(), okta, ad]).external).toBe(1);
    expect(figures([closed(), okta, ad]).external).toBe(1);
  });
});

describe('rule 26a: an erased account is gone from every count and every link', () => {
  it('is in no figure at all: not counted, not even as deactivated or raw', () => {
    expect(figures([])).toMatchObject({ internal: 0, external: 0, raw: { internal: 0, external: 0 } });
    const live = new LiveLicenceCount(PRODUCTION, [closed()]);
    live.remove('seatkeeper:ann');
    expect(live.totals()).toMatchObject({ external: 0, notCounted: { inactive: 0, nonProduction: 0, itUsers: 0 } });
    expect(live.account('seatkeeper:ann')).toBeNull();
  });

  it('links nobody any more: the two accounts it bridged are two people again (Decision D14)', () => {
    const okta = account('import:1', 'Okta', 'okta-ann', 'ann@gmail.com');
    const ad = account('import:2', 'AD', 'ann@gmail.com', '');
    expect(figures([closed(), okta, ad]).external).toBe(1);
    const erased = figures([okta, ad]);
    expect(erased.external).toBe(2);
    expect(erased.duplicateGroups).toEqual([]);
    const live = new LiveLicenceCount(PRODUCTION, [closed(), okta, ad]);
    live.remove('seatkeeper:ann');
    expect(live.totals().external).toBe(2);
    expect(live.account('import:1')?.mergedWith).toEqual([]);
  });

  it('leaves an account it was merged with counting alone: still one person, merged with nothing', () => {
    const okta = account('import:1', 'Okta', 'ann', 'ann@gmail.com');
    const live = new LiveLicenceCount(PRODUCTION, [closed(), okta]);
    live.remove('seatkeeper:ann');
    // The Okta account counts on its own now: the same single person, no longer merged with anything.
    expect(live.totals().external).toBe(1);
    expect(live.account('import:1')).toMatchObject({ counted: true, mergedWith: [] });
  });
});
