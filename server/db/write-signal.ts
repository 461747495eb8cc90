import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

const WRITES = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode', 'RawNode']);

/**
 * Calls `onWrite` after every statement that may have changed data (raw SQL counts, to be safe). In-process caches
 * use it to drop what they hold the moment this process changes anything.
 */
export class WriteSignal implements KyselyPlugin {
  readonly #pending = new WeakSet<object>();
  readonly #listeners: (() => void)[] = [];

  onWrite(listener: () => void): void {
    this.#listeners.push(listener);
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (WRITES.has(args.node.kind)) this.#pending.add(args.queryId);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.#pending.has(args.queryId)) for (const listener of this.#listeners) listener();
    return args.result;
  }
}
