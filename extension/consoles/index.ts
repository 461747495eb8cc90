// The consoles Seatkeeper understands, most specific first: the generic reader is the fallback, and reads the
// consoles whose markup is not public (Microsoft Entra, Okta, Google Workspace) from their tables, grids and lists.
import { discourseAdminUsersAdapter } from './discourse-admin-users.ts';
import { genericAdapter } from './generic.ts';
import { gitlabAdminUsersAdapter } from './gitlab-admin-users.ts';
import { keycloakUsersAdapter } from './keycloak-users.ts';
import { moodleUsersAdapter } from './moodle-users.ts';
import { outsystemsUsersAdapter } from './outsystems-users.ts';
import { seatkeeperPortalAdapter } from './seatkeeper-portal.ts';
import type { ConsoleAdapter } from './types.ts';
import { wordpressUsersAdapter } from './wordpress-users.ts';

export const consoleAdapters: readonly ConsoleAdapter[] = [
  seatkeeperPortalAdapter,
  outsystemsUsersAdapter,
  wordpressUsersAdapter,
  moodleUsersAdapter,
  keycloakUsersAdapter,
  gitlabAdminUsersAdapter,
  discourseAdminUsersAdapter,
  genericAdapter,
];

export function adapterFor(doc: Document, url: URL, taught: readonly ConsoleAdapter[] = []): ConsoleAdapter {
  // A console the admin taught is read as taught: they know it better than any guess.
  return [...taught, ...consoleAdapters].find((adapter) => adapter.matches(doc, url)) ?? genericAdapter;
}
