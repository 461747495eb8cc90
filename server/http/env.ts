import type { Principal } from '../auth/principal.ts';
import type { Deps } from '../deps.ts';

/** Hono context variables shared by every sub-app. */
export interface AppEnv {
  Variables: {
    deps: Deps;
    principal: Principal | null;
    clientIp: string;
  };
}
