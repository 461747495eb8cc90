// A full count over every account (rule 24's safety net, hygiene, retention previews), and how its figures are
// compared with the live ones.
import type { AccountRecord, CountResult } from '../../shared/licensing/count.ts';
import type { LiveTotals } from '../../shared/licensing/live.ts';
import type { Deps } from '../deps.ts';
import { countWorker } from './count-worker.ts';
import { type FullCount, type FullCountAnswer, type FullCountTask, runFullCountTask } from './full-count.ts';
import { type EnvironmentView, toRules } from './records.ts';
import type { CountJob } from './recount-worker.ts';

/** A task's answer over every account, how long it took and where it ran. */
export interface Counted<T extends FullCountTask> {
  answer: Extract<FullCountAnswer, { kind: T['kind'] }>;
  milliseconds: number;
  via: 'worker' | 'in-process';
}

/**
 * Runs a task over every account: in the count worker when the database is a file this process holds or a
 * PostgreSQL server (production), so the request thread keeps answering; in-process otherwise (and should the worker
 * fail).
 */
export async function countEverything<T extends FullCountTask>(
  deps: Pick<Deps, 'sqlite' | 'postgres' | 'logger'>,
  envs: EnvironmentView[],
  records: () => Promise<AccountRecord[]>,
  task: T,
): Promise<Counted<T>> {
  type Answer = Extract<FullCountAnswer, { kind: T['kind'] }>;
  const { sqlite, postgres } = deps;
  const source: CountJob['source'] | null =
    sqlite && !sqlite.memory ? { sqlitePath: sqlite.name } : postgres ? { postgresUrl: postgres.url } : null;
  if (source) {
    try {
      const { answer, milliseconds } = await countWorker.run({
        source,
        ownName: (envs.find((e) => e.own) as EnvironmentView).name,
        names: envs.map((e) => [e.id, e.name]),
        environments: toRules(envs),
        task,
      });
      return { answer: answer as Answer, milliseconds, via: 'worker' };
    } catch (error) {
      deps.logger.warn('count worker failed; counting in-process', { error: String(error) });
    }
  }
  const started = performance.now();
  const answer = runFullCountTask(await records(), toRules(envs), task) as Answer;
  return { answer, milliseconds: performance.now() - started, via: 'in-process' };
}

/** Where the live figures and a full count differ, one line each; none when they agree (rule 24). */
export function figureDifferences(live: LiveTotals, full: FullCount): string[] {
  const differences: string[] = [];
  const check = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b))
      differences.push(`${what}: live ${JSON.stringify(a)}, full ${JSON.stringify(b)}`);
  };
  check('internal', live.internal, full.internal);
  check('external', live.external, full.external);
  check('raw', live.raw, full.raw);
  check('not counted', live.notCounted, full.notCounted);
  const shape = (envList: CountResult['environments']) =>
    [...envList]
      .map((e) => ({
        ...e,
        providers: [...e.providers]
          .filter((p) => p.internal + p.external > 0)
          .sort((x, y) => (x.name < y.name ? -1 : 1)),
      }))
      .sort((x, y) => (x.name < y.name ? -1 : 1));
  check('environments', shape(live.environments), shape(full.environments));
  return differences;
}
