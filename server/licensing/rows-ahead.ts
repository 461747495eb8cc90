// An import's sorted rows on their way into SQLite (import-worker.ts): taken from the sort and made into the rows the
// table stores (lowercased values, domains, classification) while the worker waits for its turn at the database, so
// that its transactions hold SQLite's one write lock for the writing alone. A row is classified by the rules in force
// when it is written: rows made ahead by rules that have changed since are made again inside the transaction.
import type { CompiledRules } from '../../shared/licensing/classify.ts';
import type { StagedRow } from './import-staging.ts';
import type { DirectoryFields } from './records.ts';

/** Rows taken from the sort ahead of the writing at most: two of the worker's batches. */
const MOST_AHEAD = 8_000;
/** Rows taken or made in one step: a fraction of a millisecond, so the worker's turn is not kept waiting. */
const STEP_ROWS = 250;

export class RowsAhead {
  /** Rows taken from the sort, not yet written, in order. */
  #fields: DirectoryFields[] = [];
  /** The stored rows of the first #staged.length of them, made by the rules #madeBy. */
  #staged: StagedRow[] = [];
  #madeBy: CompiledRules | null = null;
  #sorted = true;

  constructor(
    private readonly sort: Iterator<DirectoryFields>,
    private readonly stage: (rules: CompiledRules, fields: DirectoryFields) => StagedRow,
  ) {}

  /** Rows taken from the sort and not yet written. */
  get length(): number {
    return this.#fields.length;
  }

  /** Takes rows from the sort until `count` wait or the sort has no more; whether any wait. */
  fill(count: number): boolean {
    while (this.#fields.length < count && this.#take(count - this.#fields.length) > 0);
    return this.#fields.length > 0;
  }

  /**
   * One step of work ahead: makes the stored rows of rows taken (by the rules `rules` gives now), else takes more
   * from the sort; false when there is nothing to do.
   */
  step(rules: () => CompiledRules): boolean {
    if (this.#staged.length < this.#fields.length) {
      this.#make(rules(), Math.min(this.#fields.length, this.#staged.length + STEP_ROWS));
      return true;
    }
    if (this.#fields.length >= MOST_AHEAD) return false;
    return this.#take(STEP_ROWS) > 0;
  }

  /** The stored rows of waiting rows [from, to), classified by `rules` (the rules in force as they are written). */
  rows(rules: CompiledRules, from: number, to: number): StagedRow[] {
    this.#make(rules, to);
    return this.#staged.slice(from, to);
  }

  /** The first `count` waiting rows are written. */
  written(count: number): void {
    this.#fields.splice(0, count);
    this.#staged.splice(0, count);
  }

  /** Takes up to `count` rows from the sort: how many it took. */
  #take(count: number): number {
    let k = 0;
    for (; k < count && this.#sorted; k++) {
      const next = this.sort.next();
      if (next.done) {
        this.#sorted = false;
        break;
      }
      this.#fields.push(next.value);
    }
    return k;
  }

  #make(rules: CompiledRules, to: number): void {
    if (rules !== this.#madeBy) {
      this.#staged.length = 0;
      this.#madeBy = rules;
    }
    for (let k = this.#staged.length; k < to; k++) {
      this.#staged.push(this.stage(rules, this.#fields[k] as DirectoryFields));
    }
  }
}
