// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { rulesResolver, type StoredEnvironment } from '../../extension/environment-rules.ts';
import { classifyUser } from '../../shared/licensing/index.ts';

const environments: StoredEnvironment[] = [
  { id: 'env-prd', name: 'Production', production: true, internalDomains: ['mycompany.com', 'sales.mycompany.com'] },
  { id: 'env-qa', name: 'Quality', production: false, internalDomains: ['MyCompany.com', 'not a domain'] },
];

describe('rulesResolver', () => {
  const rulesFor = rulesResolver(environments);

  it('finds an environment by name or id, case-insensitively, compiled once', () => {
    expect(rulesFor('Production')).toBe(rulesFor('production'));
    expect(rulesFor('env-prd')).toBe(rulesFor('Production'));
    expect([...rulesFor('Production').domains]).toEqual(['mycompany.com', 'sales.mycompany.com']);
  });

  it('keeps the valid entries of a stored list and lower-cases them (rule 9)', () => {
    expect([...rulesFor('Quality').domains]).toEqual(['mycompany.com']);
  });

  it('uses the only production environment when the page names none', () => {
    expect(rulesFor(undefined)).toBe(rulesFor('Production'));
    expect(
      rulesResolver([...environments, { ...environments[0], id: 'p2', name: 'Production 2' } as StoredEnvironment])(
        undefined,
      ).domains.size,
    ).toBe(0);
  });

  it('treats an unknown environment as unconfigured, so the badge says so (rule 5)', () => {
    const rules = rulesFor('Staging');
    expect(rules).toBe(rulesFor('Staging'));
    expect(classifyUser(rules, { email: 'a@gmail.com' })).toEqual({
      classification: 'internal',
      reason: 'no internal domains configured for Staging: everyone is internal',
      flags: ['rules-not-configured'],
    });
  });
});
