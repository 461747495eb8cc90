// The consoles Seatkeeper understands, most specific first: the generic reader is the fallback.
import { genericAdapter } from './generic.ts';
import { outsystemsUsersAdapter } from './outsystems-users.ts';
import { seatkeeperPortalAdapter } from './seatkeeper-portal.ts';
import type { ConsoleAdapter } from './types.ts';

export const consoleAdapters: readonly ConsoleAdapter[] = [
  seatkeeperPortalAdapter,
  outsystemsUsersAdapter,
  genericAdapter,
];

export function adapterFor(doc: Document, url: URL): ConsoleAdapter {
  return consoleAdapters.find((adapter) => adapter.matches(doc, url)) ?? genericAdapter;
}
