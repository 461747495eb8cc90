// An import's rows in the order of licence_accounts' email indexes, whatever the list's own order (issue 21, SQLite): a
// merge sort with runs on disk. Four of the table's indexes begin with the lowercased email after a prefix of few
// values, and each transaction writes every index page it changed to the write-ahead log. Rows in no particular order
// change a page of every such index for nearly every row; rows sorted only a window at a time land, window after
// window, between the rows of every earlier window, so the pages touched per row grow with the rows already written.
// In a scratch measurement (2M rows, no search index, transactions of 500 rows) the last 250,000 rows took 6.6 s sorted
// a window of 100,000 at a time and 1.9 s sorted whole; the whole 2M took 36.3 s against 15.3 s.
//
// Each window is sorted in memory and written to one file as a run, in chunks of JSON; the runs are then read back a
// chunk at a time each and merged. Memory holds a window, or a chunk of every run.
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { DirectoryFields } from './records.ts';

const lowered = (value: string) => value.trim().toLowerCase();

/** Orders rows as licence_accounts' indexes do: lowercased email, then lowercased username. */
const compareKeys = (emailA: string, userA: string, emailB: string, userB: string) =>
  emailA < emailB ? -1 : emailA > emailB ? 1 : userA < userB ? -1 : userA > userB ? 1 : 0;

/** The rows' order by compareKeys, and the lowercased values it was worked out from (each made once). */
function sortedOrder(rows: DirectoryFields[]) {
  const emails = rows.map((f) => lowered(f.email));
  const usernames = rows.map((f) => lowered(f.username));
  const order = Array.from(emails.keys()).sort((a, b) =>
    compareKeys(emails[a] as string, usernames[a] as string, emails[b] as string, usernames[b] as string),
  );
  return { order, emails, usernames };
}

/** Puts rows in the order given (indexes of the rows as they were). */
function reorder(rows: DirectoryFields[], order: number[]): void {
  const sorted = order.map((i) => rows[i] as DirectoryFields);
  for (let r = 0; r < sorted.length; r++) rows[r] = sorted[r] as DirectoryFields;
}

/** Sorts rows in place by compareKeys. */
export function sortRows(rows: DirectoryFields[]): void {
  reorder(rows, sortedOrder(rows).order);
}

/**
 * The fields every row of one import shares (an imported account has no name, role or sign-in of its own, and the
 * import's time): kept once, not in each row.
 */
export type SharedFields = Pick<DirectoryFields, 'name' | 'role' | 'lastSignInAt' | 'createdAt'>;

/**
 * A run's chunk is one flat JSON array of cells, CELLS a row: the lowercased email and username (0 when the same as
 * the value itself, as it mostly is), the provider and tenant as numbers into the chunk's own list of them (its first
 * cell), the username, the email, and the three flags as one number. V8 reads a flat array of few strings fastest: in
 * a scratch measurement of a million rows, reading back the runs took 0.6 s with six strings a row.
 */
const CELLS = 7;

interface Chunk {
  offset: number;
  bytes: number;
}

/** One run being merged: its chunks, and the cells of the current one. */
interface Cursor {
  run: number;
  chunks: Chunk[];
  next: number;
  names: string[];
  cells: (string | number)[];
  at: number;
}

/** A cursor's current lowercased email and username. */
const emailAt = (c: Cursor) => {
  const lower = c.cells[c.at];
  return (lower === 0 ? c.cells[c.at + 5] : lower) as string;
};
const usernameAt = (c: Cursor) => {
  const lower = c.cells[c.at + 1];
  return (lower === 0 ? c.cells[c.at + 4] : lower) as string;
};

/**
 * Sorted runs of rows in one file (mode 600: the rows are people's emails), merged into one sorted sequence. Used by one
 * thread; `close` removes the file.
 */
export class SortedRuns {
  readonly #runs: Chunk[][] = [];
  #file: number | null = null;
  #closed = false;
  #end = 0;

  constructor(
    readonly path: string,
    private readonly shared: SharedFields,
    private readonly rowsPerChunk = 1_000,
  ) {}

  /** Runs written so far. */
  get count(): number {
    return this.#runs.length;
  }

  /** Writes `rows`, sorted by compareKeys, as a run of their own (`rows` stays as given). Each must have the shared fields. */
  spill(rows: DirectoryFields[]): void {
    const { order, emails, usernames } = sortedOrder(rows);
    const chunks: Chunk[] = [];
    for (let from = 0; from < order.length; from += this.rowsPerChunk) {
      const to = Math.min(order.length, from + this.rowsPerChunk);
      const names = new Map<string, number>();
      const nameOf = (value: string) => {
        const known = names.get(value);
        if (known !== undefined) return known;
        names.set(value, names.size);
        return names.size - 1;
      };
      const cells: (string | number | string[])[] = new Array(1 + (to - from) * CELLS);
      let k = 1;
      for (let r = from; r < to; r++) {
        const i = order[r] as number;
        const f = rows[i] as DirectoryFields;
        this.#checkShared(f);
        const email = emails[i] as string;
        const username = usernames[i] as string;
        cells[k++] = email === f.email ? 0 : email;
        cells[k++] = username === f.username ? 0 : username;
        cells[k++] = nameOf(f.provider);
        cells[k++] = nameOf(f.tenant);
        cells[k++] = f.username;
        cells[k++] = f.email;
        cells[k++] = (f.active ? 1 : 0) | (f.itUser ? 2 : 0) | (f.staff ? 4 : 0);
      }
      cells[0] = [...names.keys()];
      const text = Buffer.from(JSON.stringify(cells));
      let written = 0;
      while (written < text.length)
        written += writeSync(this.#fd(), text, written, text.length - written, this.#end + written);
      chunks.push({ offset: this.#end, bytes: text.length });
      this.#end += text.length;
    }
    this.#runs.push(chunks);
  }

  /** Every row of every run, in compareKeys order (rows that compare equal in the order of their runs). */
  *merged(): Generator<DirectoryFields> {
    const heap: Cursor[] = [];
    for (const [run, chunks] of this.#runs.entries()) {
      const cursor: Cursor = { run, chunks, next: 0, names: [], cells: [], at: 0 };
      if (this.#load(cursor)) heap.push(cursor);
    }
    // A binary heap of the cursors by their current row; ties go to the earlier run.
    const before = (a: Cursor, b: Cursor) => {
      const c = compareKeys(emailAt(a), usernameAt(a), emailAt(b), usernameAt(b));
      return c !== 0 ? c < 0 : a.run < b.run;
    };
    const down = (from: number) => {
      let i = from;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) return;
        const r = l + 1;
        const m = r < heap.length && before(heap[r] as Cursor, heap[l] as Cursor) ? r : l;
        if (!before(heap[m] as Cursor, heap[i] as Cursor)) return;
        [heap[i], heap[m]] = [heap[m] as Cursor, heap[i] as Cursor];
        i = m;
      }
    };
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
    const shared = this.shared;
    while (heap.length > 0) {
      const top = heap[0] as Cursor;
      const c = top.cells;
      const at = top.at;
      const flags = c[at + 6] as number;
      yield {
        provider: top.names[c[at + 2] as number] as string,
        tenant: top.names[c[at + 3] as number] as string,
        username: c[at + 4] as string,
        email: c[at + 5] as string,
        name: shared.name,
        active: (flags & 1) !== 0,
        itUser: (flags & 2) !== 0,
        staff: (flags & 4) !== 0,
        role: shared.role,
        lastSignInAt: shared.lastSignInAt,
        createdAt: shared.createdAt,
      };
      top.at += CELLS;
      if (top.at === c.length && !this.#load(top)) {
        const last = heap.pop() as Cursor;
        if (heap.length === 0) return;
        heap[0] = last;
      }
      down(0);
    }
  }

  /** Closes the file and removes it. */
  close(): void {
    if (this.#file !== null) {
      closeSync(this.#file);
      rmSync(this.path, { force: true });
    }
    this.#file = null;
    this.#closed = true;
  }

  #checkShared(f: DirectoryFields): void {
    const shared = this.shared;
    if (
      f.name !== shared.name ||
      f.role !== shared.role ||
      f.lastSignInAt !== shared.lastSignInAt ||
      f.createdAt !== shared.createdAt
    ) {
      throw new Error('a row of the sorted runs differs from the fields they share');
    }
  }

  /** The file, made at the first run. */
  #fd(): number {
    if (this.#closed) throw new Error('the sorted runs are closed');
    this.#file ??= openSync(this.path, 'w+', 0o600);
    return this.#file;
  }

  /** The cursor's next chunk; false when its run has no more. */
  #load(cursor: Cursor): boolean {
    const chunk = cursor.chunks[cursor.next];
    if (!chunk) return false;
    cursor.next++;
    const bytes = Buffer.allocUnsafe(chunk.bytes);
    let read = 0;
    while (read < chunk.bytes) {
      const n = readSync(this.#fd(), bytes, read, chunk.bytes - read, chunk.offset + read);
      if (n === 0) throw new Error(`a sorted run of ${this.path} ends early`);
      read += n;
    }
    const cells = JSON.parse(bytes.toString('utf8')) as (string | number | string[])[];
    cursor.names = cells[0] as string[];
    cursor.cells = cells as (string | number)[];
    cursor.at = 1;
    return true;
  }
}
