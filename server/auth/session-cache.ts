import type { SessionLookup, SessionRecord } from './sessions.ts';

const MAX_ENTRIES = 10_000;

/**
 * Keeps looked-up sessions for `ttlMs` so a busy client does not cost one SQLite read per request. Every write made
 * by this process clears it (see WriteSignal), so sign-out, deactivation, role changes and password resets apply at
 * once; a write by another process sharing the database is seen within `ttlMs`. The secret, idle and absolute
 * limits are still checked on every request by checkSession.
 */
export function cachedSessionLookup(lookup: SessionLookup, ttlMs: number): { lookup: SessionLookup; clear(): void } {
  const entries = new Map<string, { record: SessionRecord; expiresAtMs: number }>();
  const cached: SessionLookup = (sessionId, nowMs) => {
    const hit = entries.get(sessionId);
    if (hit && hit.expiresAtMs > nowMs) return hit.record;
    const found = lookup(sessionId, nowMs);
    if (found instanceof Promise) return found;
    if (found) {
      if (entries.size >= MAX_ENTRIES) entries.clear();
      entries.set(sessionId, { record: found, expiresAtMs: nowMs + ttlMs });
    } else {
      entries.delete(sessionId);
    }
    return found;
  };
  return { lookup: cached, clear: () => entries.clear() };
}
