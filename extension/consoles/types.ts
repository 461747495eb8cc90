// What an adapter hands to the badge code: one account per place a badge goes.
export interface FoundAccount {
  /** Where the badge goes: inside it at the end, or right after it when it is a link (never inside a link). */
  anchor: Element;
  username?: string;
  email?: string;
  /** The environment whose rules classify this account, when the page says. */
  environment?: string;
  /**
   * A mention in running text, not a row: its badge takes room in the line like a word. A badge in a row is drawn over
   * the row without taking room, so no cell widens and no row grows.
   */
  mention?: boolean;
  /** The anchor is a table or grid cell (the badge goes inside it): said by the reader, which knows, to spare a read. */
  inCell?: boolean;
}

/** Which cells of a table's or grid's rows hold the username and the email, as its header says. */
export interface Columns {
  /** False for tables and grids the caller did not ask about, or that sit in the page's chrome. */
  wanted: boolean;
  header: Element | undefined;
  username: number;
  email: number;
  /** True when the header cells carry aria-colindex: data cells are matched by it, not by position. */
  byColIndex: boolean;
  /** True when something in it carries data-username or data-email: rows are searched for those. */
  hinted: boolean;
}

/**
 * Shared by the reads of one batch of page changes, so what is the same for every row of a table (its header) is
 * read once per batch, not once per row. A new batch gets a new context: the page may have changed in between.
 */
export interface ReadContext {
  /** A table or grid → its columns. */
  columns: Map<Element, Columns>;
  /** A row's parent → the table or grid the row belongs to, and whether it is a header or footer: read once. */
  groups: Map<Element, { container: Element | null; heading: boolean }>;
  /** An element → the repeated container (list item, card) holding one account around it, or null. */
  listRowOf: Map<Element, Element | null>;
}

export const newReadContext = (): ReadContext => ({
  columns: new Map(),
  groups: new Map(),
  listRowOf: new Map(),
});

/** Everything Seatkeeper knows about one web console; selectors live here and nowhere else. */
export interface ConsoleAdapter {
  name: string;
  matches(doc: Document, url: URL): boolean;
  /** Accounts in, around or under `root` (a whole document, or a row or cell that changed). */
  findAccounts(root: ParentNode, context?: ReadContext): FoundAccount[];
  /** Attributes whose change alters what `findAccounts` reads, so watchers observe them. */
  observedAttributes?: readonly string[];
  /**
   * The row a changed element belongs to, for rows that are neither `tr` nor `[role=row]` (list items, cards): the
   * watcher reads that row again. Undefined when the element is in no row the adapter knows.
   */
  rowOf?(element: Element): Element | undefined;
}
