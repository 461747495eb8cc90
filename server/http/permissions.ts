// The permission matrix: who may call each API operation, read back from the OpenAPI document (`x-access`), so the
// table in docs/server.md and the permission test check what the route declarations say.
import { type Access, decideAccess, type Principal } from '../auth/principal.ts';
import type { Account, Role, TokenScope } from '../auth/tables.ts';
import { type OpenApiDocument, operationsOf } from './openapi.ts';

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

export interface MatrixRow {
  operationId: string;
  method: string;
  path: string;
  access: Access;
  /** true = allowed, false = denied (401 for anonymous, 403 otherwise). */
  allowed: Record<CallerKey, boolean>;
}

export function permissionMatrix(document: OpenApiDocument): MatrixRow[] {
  return operationsOf(document).map(({ method, path, operation }) => {
    const access = operation['x-access'] as Access;
    const allowed = Object.fromEntries(
      CALLERS.map((caller) => [caller.key, decideAccess(samplePrincipal(caller), access) === 'allowed']),
    ) as Record<CallerKey, boolean>;
    return { operationId: operation.operationId, method: method.toUpperCase(), path, access, allowed };
  });
}

/** The Markdown table embedded in docs/server.md; a test checks the document still contains exactly this. */
export function renderPermissionMatrixMarkdown(document: OpenApiDocument): string {
  const header = `| Route | ${CALLERS.map((c) => c.label).join(' | ')} |`;
  const rule = `|---|${CALLERS.map(() => ':-:').join('|')}|`;
  const rows = permissionMatrix(document).map((row) => {
    const cells = CALLERS.map((caller) => (row.allowed[caller.key] ? 'yes' : '—'));
    return `| \`${row.method} ${row.path}\` | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}
