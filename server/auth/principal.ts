import type { Account, Role, TokenScope } from './tables.ts';

/** Who is making the request: a signed-in session or a personal access token acting for its owner. */
export type Principal =
  | { kind: 'session'; account: Account; sessionId: string }
  | { kind: 'token'; account: Account; tokenId: string; scope: TokenScope };

/** What a route requires. The permission matrix in docs/server.md is generated from these. */
export type Access = 'public' | 'signedIn' | 'staffRead' | 'staffSession' | 'admin';

export const ACCESS_DESCRIPTIONS: Record<Access, string> = {
  public: 'anyone, no credentials needed',
  signedIn: 'any signed-in account or valid token',
  staffRead: 'admin or support (session or any token scope)',
  staffSession: 'admin or support, signed in with a session (tokens cannot manage tokens)',
  admin: 'admin role, via session or an `admin`-scoped token',
};

const isStaff = (role: Role) => role === 'admin' || role === 'support';

export type AccessDecision = 'allowed' | 'unauthenticated' | 'forbidden';

/** A token acts with its owner's role intersected with its scope. */
export function decideAccess(principal: Principal | null, access: Access): AccessDecision {
  if (access === 'public') return 'allowed';
  if (!principal) return 'unauthenticated';
  const { role } = principal.account;
  switch (access) {
    case 'signedIn':
      return 'allowed';
    case 'staffRead':
      return isStaff(role) ? 'allowed' : 'forbidden';
    case 'staffSession':
      return isStaff(role) && principal.kind === 'session' ? 'allowed' : 'forbidden';
    case 'admin':
      return role === 'admin' && (principal.kind === 'session' || principal.scope === 'admin')
        ? 'allowed'
        : 'forbidden';
  }
}
