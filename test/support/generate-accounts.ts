// Realistic account lists for benchmarks and tests: 3 production environments and 1 non-production, 2 providers
// each, some non-default tenants, and about 5% of people holding accounts in several providers or environments.
import type { AccountRecord, EnvironmentRules } from '../../shared/licensing/count.ts';

export const GENERATED_ENVIRONMENTS: EnvironmentRules[] = [
  { name: 'Production', production: true, internalDomains: ['acme.com', 'acme-group.com'] },
  { name: 'Production-EU', production: true, internalDomains: ['acme.com', 'acme-group.com'] },
  { name: 'Production-US', production: true, internalDomains: ['acme.com'] },
  { name: 'QA', production: false, internalDomains: ['acme.com'] },
];
export const GENERATED_PROVIDERS = ['Users', 'LegacyDirectory'];
const EXTERNAL_DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'example.org', 'university.edu', 'partner.co.uk'];

/** A small, fast, seeded generator (mulberry32), so every run sees the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateAccounts(count: number, seed = 42): AccountRecord[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const records: AccountRecord[] = [];
  let person = 0;
  while (records.length < count) {
    person++;
    const roll = random();
    const domain =
      roll < 0.08 ? 'acme.com' : roll < 0.09 ? 'eu.acme.com' : roll < 0.1 ? 'ACME-group.com' : pick(EXTERNAL_DOMAINS);
    const username = `user${person}`;
    const email = random() < 0.01 ? '' : `person.${person}@${domain}`;
    const environment = random() < 0.1 ? 'QA' : pick(GENERATED_ENVIRONMENTS.slice(0, 3)).name;
    const base: AccountRecord = {
      ref: records.length + 2,
      environment,
      provider: pick(GENERATED_PROVIDERS),
      tenant: random() < 0.02 ? `tenant${1 + Math.floor(random() * 5)}` : '',
      username,
      email,
      active: random() >= 0.03,
      itUser: random() < 0.005,
    };
    records.push(base);
    // About 5% of people also have an account elsewhere, matched by email or by username.
    if (random() < 0.05 && records.length < count) {
      const elsewhere = random() < 0.5;
      // Shares the email (in another case) or the username (in another case), never neither.
      const shareEmail = email !== '' && random() < 0.5;
      records.push({
        ...base,
        ref: records.length + 2,
        environment: elsewhere ? pick(GENERATED_ENVIRONMENTS.slice(0, 3)).name : base.environment,
        provider: elsewhere ? base.provider : (GENERATED_PROVIDERS.find((p) => p !== base.provider) as string),
        tenant: '',
        username: shareEmail ? `${username}.alt` : username.toUpperCase(),
        email: shareEmail ? email.toUpperCase() : '',
        active: random() >= 0.03,
        itUser: false,
      });
    }
  }
  return records;
}

const CSV_HEADER = 'environment,production,provider,tenant,username,email,active,it_user';

function csvLine(record: AccountRecord, production: boolean): string {
  return `${record.environment},${production},${record.provider},${record.tenant ?? ''},${record.username ?? ''},${record.email ?? ''},${record.active},${record.itUser ? 1 : 0}`;
}

/** The same accounts as CSV; each record's ref is its line number (the header is line 1). */
export function accountsCsv(records: readonly AccountRecord[]): string {
  const production = new Map(GENERATED_ENVIRONMENTS.map((env) => [env.name, env.production]));
  const lines = [CSV_HEADER];
  for (const record of records) lines.push(csvLine(record, production.get(record.environment) ?? true));
  return `${lines.join('\n')}\n`;
}
