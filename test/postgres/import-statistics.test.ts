// An import's rows are read back in batches (checking, counting, the sweep of the rows they replace), each batch a
// query PostgreSQL plans from the table's statistics. Autovacuum refreshes them a minute or more after a bulk load;
// planned on statistics from before the import, the counting read took the provider's index and sorted everything
// after each batch (45 s of a 1M-row import's counting in the import benchmark). The import refreshes them itself.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ROWS_PER_BATCH } from '../../server/licensing/provider-rows.ts';
import { adminWithDirectory, importJson } from '../support/imports.ts';
import { makeApp } from '../support/server.ts';

interface PlanNode {
  'Node Type': string;
  'Plan Rows': number;
  Plans?: PlanNode[];
}

const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

describe('the statistics of imported rows (PostgreSQL)', () => {
  it('are current once the import is done, so its rows are read through an index in order, without sorting', async () => {
    const ctx = await makeApp({ dialect: 'postgres' });
    const { cookie, envId } = await adminWithDirectory(ctx);
    // The table as autovacuum last saw it: a few rows, all of an earlier generation.
    const users = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ username: `${prefix}${i}`, email: `${prefix}.${i}@example.org` }));
    expect(await importJson(ctx, { cookie }, envId, 'LDAP', users('early', 200))).toMatchObject({ status: 'done' });
    await sql`analyze licence_accounts`.execute(ctx.deps.db);

    const rows = 3 * ROWS_PER_BATCH;
    expect(await importJson(ctx, { cookie }, envId, 'Entra', users('new', rows))).toMatchObject({ status: 'done' });
    const { generation } = await ctx.deps.db
      .selectFrom('licence_providers')
      .select('generation')
      .where('environment_id', '=', envId)
      .where('name', '=', 'Entra')
      .executeTakeFirstOrThrow();
    // The counting read of provider-rows.ts, its first batch.
    const explained = await sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>`explain (format json)
      select id, provider, tenant, username, email, active, it_user, staff from licence_accounts
      where generation = ${generation} and id > 0 and environment_id = ${envId} and provider = 'Entra'
        and source = 'import'
      order by generation, id limit ${ROWS_PER_BATCH}`.execute(ctx.deps.db);
    const plan = nodes((explained.rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan);
    expect(plan.map((node) => node['Node Type'])).not.toContain('Sort');
    const scan = plan.find((node) => node['Node Type'] === 'Index Scan');
    expect(scan, JSON.stringify(plan)).toBeDefined();
    // The planner knows the generation's rows are there (it took them for one row before).
    expect(scan?.['Plan Rows']).toBeGreaterThan(rows / 2);
  });
});
