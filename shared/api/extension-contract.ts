// The API the browser extension relies on (licence portal issue, "API for the extension"): the shapes it reads,
// validated on arrival because the server may be older or newer than the extension. Unknown fields are allowed.
import { z } from 'zod';

export const usageSchema = z.object({
  used: z.number().int().nonnegative(),
  /** null while no licence is configured. */
  capacity: z.number().int().nonnegative().nullable(),
  level: z.enum(['ok', 'notice', 'warning', 'over']).nullable(),
});

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
  breaches: z.array(z.object({ code: z.string(), message: z.string() })),
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
  notCountedReason: z.string().nullable(),
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
  reason: z.string(),
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
