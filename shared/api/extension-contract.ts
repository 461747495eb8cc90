// The API the browser extension relies on (licence portal issue, "API for the extension"): the shapes it reads,
// validated on arrival because the server may be older or newer than the extension. Unknown fields are allowed.
import { z } from 'zod';

export const usageSchema = z.object({
  used: z.number().int().nonnegative(),
  /** null while no licence is configured. */
  capacity: z.number().int().nonnegative().nullable(),
  level: z.enum(['ok', 'notice', 'warning', 'over']).nullable(),
});

/**
 * A licence breach (rules 21, 22): its code and values, so a client can word it itself, and `message`, the server's
 * sentence in the requester's language (the account's, else Accept-Language). `values` is absent from older servers.
 */
export const breachSchema = z.object({
  code: z.string(),
  message: z.string(),
  values: z
    .object({
      licence: z.string(),
      used: z.number().int().nonnegative(),
      allowed: z.number().int().nonnegative(),
      packs: z.number().int().nonnegative().nullable(),
    })
    .optional(),
});

/**
 * Why an account is classified as it is (rule 13), as facts: a code (rules-not-configured, no-email, listed,
 * listed-conflict, subdomain-not-listed, not-listed) and its values (environment, field, domain, otherField,
 * otherDomain, parent). Loose on purpose: a newer server may add codes.
 */
export const reasonFactsSchema = z.object({ code: z.string() }).catchall(z.string());

export const licenceSummarySchema = z.object({
  asOf: z.string(),
  internal: usageSchema,
  external: usageSchema,
  licence: z
    .object({
      type: z.string(),
      endsOn: z.string().nullable().optional(),
      state: z.string(),
    })
    .nullable(),
  breaches: z.array(breachSchema),
});

export const environmentSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  name: z.string(),
  production: z.boolean(),
  internalDomains: z.array(z.string()),
});

// The server answers `{items}`; a bare list is accepted too so an older or proxied server still works.
export const environmentsSchema = z.union([
  z.array(environmentSchema),
  z.object({ items: z.array(environmentSchema) }).transform((body) => body.items),
]);

export const meSchema = z.object({
  account: z.object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['admin', 'support', 'candidate']),
  }),
});

export const lookupMatchSchema = z.object({
  ref: z.string(),
  environment: z.string(),
  provider: z.string(),
  username: z.string(),
  email: z.string(),
  active: z.boolean(),
  classification: z.enum(['internal', 'external']),
  counted: z.boolean(),
  /** inactive, non-production or it-user (rules 1, 3, 4); null when counted. */
  notCountedReason: z.string().nullable(),
  /** The same in the requester's language. Optional: older servers leave it out. */
  notCountedMessage: z.string().nullable().optional(),
  mergedWith: z.array(z.string()),
  lastSignInAt: z.string().nullable(),
  /** Seatkeeper's own accounts only: the id the portal links to. */
  accountId: z.string().optional(),
  /**
   * The stored record's classification flags (no-email, conflict, subdomain-of-listed), from its own username and
   * email: they hold even when the console shows only one of them. Optional: servers before issue 20 leave it out.
   */
  flags: z.array(z.string()).optional(),
});

export const lookupResultSchema = z.object({
  username: z.string().nullable(),
  email: z.string().nullable(),
  classification: z.enum(['internal', 'external']),
  /** In the requester's language. */
  reason: z.string(),
  /** The reason as facts. Optional: older servers leave it out. */
  reasonFacts: reasonFactsSchema.optional(),
  flags: z.array(z.string()),
  matches: z.array(lookupMatchSchema),
});

export const lookupResponseSchema = z.object({
  asOf: z.string(),
  environment: z.object({ id: z.string(), name: z.string() }),
  results: z.array(lookupResultSchema),
});

export type LicenceSummary = z.infer<typeof licenceSummarySchema>;
export type Usage = z.infer<typeof usageSchema>;
export type ServerEnvironment = z.infer<typeof environmentSchema>;
export type Me = z.infer<typeof meSchema>;
export type LookupMatch = z.infer<typeof lookupMatchSchema>;
export type LookupResult = z.infer<typeof lookupResultSchema>;
export type LookupResponse = z.infer<typeof lookupResponseSchema>;
export interface LookupRequest {
  environment?: string;
  accounts: { username?: string; email?: string }[];
}
