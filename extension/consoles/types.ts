// What an adapter hands to the badge code: one account per place a badge goes.
export interface FoundAccount {
  /** Where the badge goes: inside it when it is a table cell, right after it otherwise. */
  anchor: Element;
  username?: string;
  email?: string;
  /** The environment whose rules classify this account, when the page says. */
  environment?: string;
}

/** A table's header, as the generic reader understands it. */
export interface TableColumns {
  /** False for tables the caller did not ask about. */
  wanted: boolean;
  header: Element | undefined;
  username: number;
  email: number;
}

/**
 * Shared by the reads of one batch of page changes, so what is the same for every row of a table (its header) is
 * read once per batch, not once per row. A new batch gets a new context: the page may have changed in between.
 */
export interface ReadContext {
  tables: Map<Element, TableColumns>;
  /** A row's parent (a table section) → its table: rows of one body share one lookup. */
  tableOf: Map<Element, HTMLTableElement | null>;
  /** A row's parent → the mailto link around it, if any (nearly always none). */
  linkAround: Map<Element, Element | null>;
}

export const newReadContext = (): ReadContext => ({ tables: new Map(), tableOf: new Map(), linkAround: new Map() });

/** Everything Seatkeeper knows about one web console; selectors live here and nowhere else. */
export interface ConsoleAdapter {
  name: string;
  matches(doc: Document, url: URL): boolean;
  /** Accounts in, around or under `root` (a whole document, or a row or cell that changed). */
  findAccounts(root: ParentNode, context?: ReadContext): FoundAccount[];
  /** Attributes whose change alters what `findAccounts` reads, so watchers observe them. */
  observedAttributes?: readonly string[];
}
