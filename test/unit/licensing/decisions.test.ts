// The engine's Decisions where the rulebook is silent (docs/decisions.md), pinned so a change is deliberate.
import { describe, expect, it } from 'vitest';
import { type AccountRecord, countLicences, type EnvironmentRules } from '../../../shared/licensing/index.ts';

const production: EnvironmentRules[] = [{ name: 'Production', production: true, internalDomains: ['acme.com'] }];
const account = (ref: number, provider: string, username: string, email: string, active = true): AccountRecord => ({
  ref,
  environment: 'Production',
  provider,
  username,
  email,
  active,
});

describe('identity matching decisions (rule 14)', () => {
  it('a placeholder in the Email field links nobody: two providers with email "n/a" are two people', () => {
    const result = countLicences([account(1, 'Users', 'ann', 'n/a'), account(2, 'LDAP', 'bob', 'n/a')], production);
    expect(result.internal + result.external).toBe(2);
    expect(result.duplicateGroups).toEqual([]);
  });

  it('a valid email links across providers whatever its case and padding', () => {
    const result = countLicences(
      [account(1, 'Users', 'ann', 'ann@gmail.com'), account(2, 'LDAP', 'a.smith', '  ANN@Gmail.com ')],
      production,
    );
    expect(result.external).toBe(1);
    expect(result.duplicateGroups).toHaveLength(1);
  });

  it('email is matched with email and username with username, not across fields', () => {
    const result = countLicences(
      [account(1, 'Users', 'ann@gmail.com', ''), account(2, 'LDAP', 'asmith', 'ann@gmail.com')],
      production,
    );
    expect(result.external).toBe(2);
  });

  it('an inactive account still links the two accounts it bridges, so deactivating it splits nobody', () => {
    const bridge = [
      account(1, 'Users', 'ann', 'ann@gmail.com'),
      account(2, 'LDAP', 'ann', 'other@gmail.com', false),
      account(3, 'Okta', 'x', 'other@gmail.com'),
    ];
    const result = countLicences(bridge, production);
    expect(result.external).toBe(1);
    expect(result.notCounted.inactive).toBe(1);
  });

  it('D4: two accounts of one provider sharing an email are not linked, so they form no group', () => {
    const result = countLicences(
      [account(1, 'Users', 'ann', 'shared@gmail.com'), account(2, 'Users', 'bob', 'shared@gmail.com')],
      production,
    );
    expect(result.external).toBe(2);
    expect(result.duplicateGroups).toEqual([]);
  });

  it('D12: an email with a Unicode domain links with the same email in punycode', () => {
    const result = countLicences(
      [account(1, 'Users', 'ann', 'ann@bücher.de'), account(2, 'LDAP', 'a.smith', 'Ann@XN--BCHER-KVA.de')],
      production,
    );
    expect(result.external).toBe(1);
    expect(result.duplicateGroups).toHaveLength(1);
  });

  it('a group holding two accounts of one provider counts as two people (rules 14 and 15 together)', () => {
    const result = countLicences(
      [
        account(1, 'Users', 'ann', 'shared@gmail.com'),
        account(2, 'Users', 'bob', 'shared@gmail.com'),
        account(3, 'LDAP', 'ann', 'shared@gmail.com'),
      ],
      production,
    );
    expect(result.external).toBe(2);
    expect(result.duplicateGroups[0]?.flags).toContain('same-provider');
  });
});
