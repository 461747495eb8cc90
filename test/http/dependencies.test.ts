// Dependencies are current and kept so (issue 23, item 15): nodemailer is on its current major (7 had published
// advisories), and renovate.json records how updates are checked, holding back only what needs a newer Node.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const json = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'));

describe('dependencies', () => {
  it('installs nodemailer 10 or later, with the types it ships itself', () => {
    const lock = json('package-lock.json') as { packages: Record<string, { version: string }> };
    const installed = lock.packages['node_modules/nodemailer']?.version ?? '0';
    expect(Number(installed.split('.')[0])).toBeGreaterThanOrEqual(10);
    const manifest = json('package.json') as { devDependencies: Record<string, string> };
    expect(manifest.devDependencies['@types/nodemailer']).toBeUndefined();
  });

  it('checks for updates weekly and for security fixes at once, never a major that needs Node 22', () => {
    const renovate = json('renovate.json') as {
      schedule: string[];
      constraints: { node: string };
      vulnerabilityAlerts: { enabled: boolean; schedule: string[] };
      packageRules: { matchPackageNames?: string[]; matchUpdateTypes?: string[]; enabled?: boolean }[];
    };
    const engines = (json('package.json') as { engines: { node: string } }).engines.node;
    expect(renovate.constraints.node).toBe(engines);
    expect(renovate.vulnerabilityAlerts).toMatchObject({ enabled: true, schedule: ['at any time'] });
    const held = renovate.packageRules.find((rule) => rule.enabled === false);
    expect(held?.matchUpdateTypes).toEqual(['major']);
    expect(held?.matchPackageNames).toEqual(expect.arrayContaining(['wxt', 'vitest', 'better-sqlite3']));
  });
});
