// A large installation as table rows, for benchmarks that seed a database directly: environments, own accounts (10%)
// and imported accounts generated like the licence benchmark's (3 production environments and a QA one, 2 providers
// each), each with its directory row. Rows are produced one at a time so a million never sit in memory twice.
import { importedFields } from '../../server/licensing/import-rows.ts';
import { DIRECTORY_FIELDS, directoryRow } from '../../server/licensing/records.ts';
import { type CompiledRules, compileRules } from '../../shared/licensing/classify.ts';
import { GENERATED_ENVIRONMENTS, GENERATED_PROVIDERS, generateAccounts } from './generate-accounts.ts';

export const SEEDED_AT = new Date('2026-11-24T12:00:00.000Z').toISOString();
export const SEEDED_ADMIN_ID = 'benchadmin000000';
export const OWN_DOMAINS = 'acme.com,acme-group.com';

/** Environments besides the own one (whose internal domains become OWN_DOMAINS). */
export const SEEDED_ENVIRONMENTS = GENERATED_ENVIRONMENTS.slice(1).map((env) => ({
  id: env.name.toLowerCase(),
  name: env.name,
  production: env.production ? 1 : 0,
  internal_domains: env.internalDomains.join(','),
  own: 0,
  created_at: SEEDED_AT,
}));

export const ACCOUNT_COLUMNS = [
  'id',
  'email',
  'name',
  'role',
  'active',
  'created_at',
  'email_verified_at',
  'last_sign_in_at',
] as const;

/** The directory's columns: who the row is for, then what an account's fields decide (records.ts). */
export const DIRECTORY_COLUMNS = ['source', 'account_id', ...DIRECTORY_FIELDS] as const;

type Row = (string | number | null)[];

export const PROVIDER_COLUMNS = ['id', 'environment_id', 'name', 'created_at'] as const;

/** The imported accounts' user providers: their rows are in force by their provider's generation (0 here). */
export function providerRows(): Row[] {
  return GENERATED_ENVIRONMENTS.flatMap((env, i) =>
    GENERATED_PROVIDERS.map((provider) => {
      const id = i === 0 ? 'own' : env.name.toLowerCase();
      return [`p-${id}-${provider}`.toLowerCase(), id, provider, SEEDED_AT];
    }),
  );
}

/** Own accounts (`total` / 10, 50 of them support staff), then the admin: rows in ACCOUNT_COLUMNS order. */
export function* accountRows(total: number): Generator<Row> {
  for (let i = 0; i < Math.round(total / 10); i++) {
    const email = `candidate.${i}@${i % 10 === 0 ? 'acme.com' : 'gmail.com'}`;
    yield [
      `acct${String(i).padStart(12, '0')}`,
      email,
      `Candidate ${i}`,
      i < 50 ? 'support' : 'candidate',
      i % 20 === 0 ? 0 : 1,
      SEEDED_AT,
      SEEDED_AT,
      i % 3 === 0 ? null : SEEDED_AT,
    ];
  }
  yield [SEEDED_ADMIN_ID, 'admin@acme.com', 'Admin', 'admin', 1, SEEDED_AT, null, null];
}

/** The directory: a mirror row per own account (the admin's is written at start), then the imported accounts. */
export function* directoryRows(total: number): Generator<Row> {
  const own = Math.round(total / 10);
  const rules = new Map<string, CompiledRules>(
    GENERATED_ENVIRONMENTS.map((e) => [e.name, compileRules(e.name, e.internalDomains)]),
  );
  const ids = new Map(GENERATED_ENVIRONMENTS.map((e, i) => [e.name, i === 0 ? 'own' : e.name.toLowerCase()]));
  const row = (source: string, accountId: string | null, values: ReturnType<typeof directoryRow>): Row =>
    DIRECTORY_COLUMNS.map((c) =>
      c === 'source' ? source : c === 'account_id' ? accountId : (values[c] as string | number | null),
    );
  for (const [id, email, name, role, active, , , lastSignIn] of accountRows(total)) {
    if (id === SEEDED_ADMIN_ID) continue;
    yield row(
      'own',
      id as string,
      directoryRow('own', rules.get('Production') as CompiledRules, {
        provider: 'Seatkeeper',
        tenant: '',
        username: email as string,
        email: email as string,
        name: name as string,
        active: active === 1,
        itUser: false,
        staff: role !== 'candidate',
        role: role as string,
        lastSignInAt: lastSignIn as string | null,
        createdAt: SEEDED_AT,
      }),
    );
  }
  for (const r of generateAccounts(total - own, 7)) {
    yield row(
      'import',
      null,
      directoryRow(
        ids.get(r.environment) as string,
        rules.get(r.environment) as CompiledRules,
        importedFields(r, SEEDED_AT),
      ),
    );
  }
}
