import { type Access, decideAccess, type Principal } from '../auth/principal.ts';
import type { Account, Role, TokenScope } from '../db/schema.ts';
import { API_ROUTES, type RouteKey } from './routes.ts';

/** The kinds of caller the permission matrix covers (and the permission test impersonates). */
export const CALLERS = [
  { key: 'anonymous', label: 'anonymous' },
  { key: 'candidate', label: 'candidate', role: 'candidate' },
  { key: 'support', label: 'support', role: 'support' },
  { key: 'admin', label: 'admin', role: 'admin' },
  { key: 'supportReadToken', label: 'support `read` token', role: 'support', scope: 'read' },
  { key: 'adminReadToken', label: 'admin `read` token', role: 'admin', scope: 'read' },
  { key: 'adminAdminToken', label: 'admin `admin` token', role: 'admin', scope: 'admin' },
] as const satisfies readonly { key: string; label: string; role?: Role; scope?: TokenScope }[];

export type CallerKey = (typeof CALLERS)[number]['key'];

function samplePrincipal(caller: (typeof CALLERS)[number]): Principal | null {
  if (!('role' in caller)) return null;
  const account = { role: caller.role, active: 1 } as Account;
  return 'scope' in caller
    ? { kind: 'token', account, tokenId: 'sample', scope: caller.scope }
    : { kind: 'session', account, sessionId: 'sample' };
}

/** true = allowed, false = denied (401 for anonymous, 403 otherwise). */
export function permissionMatrix(): Record<RouteKey, Record<CallerKey, boolean>> {
  const matrix = {} as Record<RouteKey, Record<CallerKey, boolean>>;
  for (const [key, route] of Object.entries(API_ROUTES) as [RouteKey, { access: Access }][]) {
    matrix[key] = Object.fromEntries(
      CALLERS.map((caller) => [caller.key, decideAccess(samplePrincipal(caller), route.access) === 'allowed']),
    ) as Record<CallerKey, boolean>;
  }
  return matrix;
}

/** The Markdown table embedded in docs/server.md; a test checks the document still contains exactly this. */
export function renderPermissionMatrixMarkdown(): string {
  const matrix = permissionMatrix();
  const header = `| Route | ${CALLERS.map((c) => c.label).join(' | ')} |`;
  const rule = `|---|${CALLERS.map(() => ':-:').join('|')}|`;
  const rows = (Object.keys(API_ROUTES) as RouteKey[]).map((key) => {
    const route = API_ROUTES[key];
    const cells = CALLERS.map((caller) => (matrix[key][caller.key] ? 'yes' : '—'));
    return `| \`${route.method} ${route.path}\` | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}
