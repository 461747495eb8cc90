// Which rules classify an account on a page: the environment's internal domains as the server last sent them.
import { type CompiledRules, compileRules, type EnvironmentRules, parseDomainList } from '../shared/licensing/index.ts';
import type { RulesFor } from './badges/decorate.ts';

/** One environment as the background stores it from `/api/v1/environments`. */
export interface StoredEnvironment extends EnvironmentRules {
  id: string;
}

/** The server validates lists (rule 11); a stored entry that is somehow not a domain is dropped, not fatal. */
function validDomains(entries: readonly string[]): string[] {
  return entries.flatMap((entry) => {
    const parsed = parseDomainList([entry]);
    return parsed.ok ? parsed.domains : [];
  });
}

/**
 * Compiles each environment's rules once and resolves a page's environment by name or id (case-insensitive). A page
 * that names no environment gets the only production environment when there is exactly one. An environment
 * Seatkeeper does not know gets an empty list, which the engine reports as "no internal domains configured" (rule 5).
 */
export function rulesResolver(environments: readonly StoredEnvironment[]): RulesFor {
  const byKey = new Map<string, CompiledRules>();
  for (const env of environments) {
    const rules = compileRules(env.name, validDomains(env.internalDomains));
    byKey.set(env.name.toLowerCase(), rules);
    byKey.set(env.id.toLowerCase(), rules);
  }
  const production = environments.filter((env) => env.production);
  const onlyProduction =
    production.length === 1 ? byKey.get((production[0] as StoredEnvironment).name.toLowerCase()) : undefined;
  const unknown = new Map<string, CompiledRules>();
  return (environment) => {
    const key = environment?.trim().toLowerCase();
    const known = key ? byKey.get(key) : onlyProduction;
    if (known) return known;
    const name = environment?.trim() || 'this environment';
    let rules = unknown.get(name);
    if (!rules) {
      rules = compileRules(name, []);
      unknown.set(name, rules);
    }
    return rules;
  };
}
