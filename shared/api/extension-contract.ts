// The API the browser extension relies on (licence portal issue, "API for the extension"): the shapes it reads,
// validated on arrival because the server may be older or newer than the extension. Unknown fields are allowed.
import { z } from 'zod';

export const usageSchema = z.object({
  used: z.number().int().nonnegative(),
  capacity: z.number().int().nonnegative(),
  level: z.enum(['ok', 'notice', 'warning', 'over']),
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
  breaches: z.array(z.object({ code: z.string(), message: z.string() }).or(z.string())),
});

export const environmentSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  name: z.string(),
  production: z.boolean(),
  internalDomains: z.array(z.string()),
});

export const environmentsSchema = z.union([
  z.array(environmentSchema),
  z.object({ environments: z.array(environmentSchema) }).transform((body) => body.environments),
]);

export const meSchema = z.object({
  account: z.object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['admin', 'support', 'candidate']),
  }),
});

export type LicenceSummary = z.infer<typeof licenceSummarySchema>;
export type Usage = z.infer<typeof usageSchema>;
export type ServerEnvironment = z.infer<typeof environmentSchema>;
export type Me = z.infer<typeof meSchema>;
