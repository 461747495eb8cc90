// What an adapter hands to the badge code: one account per place a badge goes.
export interface FoundAccount {
  /** Where the badge goes: inside it when it is a table cell, right after it otherwise. */
  anchor: Element;
  username?: string;
  email?: string;
  /** The environment whose rules classify this account, when the page says. */
  environment?: string;
}

/** Everything Seatkeeper knows about one web console; selectors live here and nowhere else. */
export interface ConsoleAdapter {
  name: string;
  matches(doc: Document, url: URL): boolean;
  /** Accounts in, around or under `root` (a whole document, or a row or cell that changed). */
  findAccounts(root: ParentNode): FoundAccount[];
  /** Attributes whose change alters what `findAccounts` reads, so watchers observe them. */
  observedAttributes?: readonly string[];
}
