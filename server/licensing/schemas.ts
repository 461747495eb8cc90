// zod at the edge of the licence portal: request bodies and queries, with messages naming the field and what to fix.
import { z } from 'zod';
import { lookupResponseSchema } from '../../shared/api/extension-contract.ts';
import { LICENCE_CATALOGUE, type LicenceType } from '../../shared/licensing/capacity.ts';
import { SORTS } from './directory.ts';

const LICENCE_TYPES = Object.keys(LICENCE_CATALOGUE) as [LicenceType, ...LicenceType[]];
const isoDay = (field: string) =>
  z
    .string({ error: `Give ${field} as a date, e.g. 2027-01-31.` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `Give ${field} as a date, e.g. 2027-01-31.`);
const days = (field: string) =>
  z
    .number({ error: `${field}: a whole number of days from 1 to 3650, or null to switch it off.` })
    .int(`${field}: a whole number of days from 1 to 3650.`)
    .min(1, `${field}: a whole number of days from 1 to 3650.`)
    .max(3650, `${field}: a whole number of days from 1 to 3650.`)
    .nullable();
const environmentName = z
  .string({ error: 'Name the environment, e.g. "Production EU".' })
  .trim()
  .min(1, 'Name the environment, e.g. "Production EU".')
  .max(100, 'Use at most 100 characters.');
const providerName = z
  .string({ error: 'Name the user provider, e.g. "Azure AD".' })
  .trim()
  .min(1, 'Name the user provider, e.g. "Azure AD".')
  .max(100, 'Use at most 100 characters.');
const domainField = z
  .string({ error: 'Type the internal domains as one comma-separated list, e.g. "example.com, sales.example.com".' })
  .max(5000, 'Use at most 5000 characters.');

export const providerForm = z.strictObject({ provider: providerName });

export const createEnvironmentBody = z.strictObject({
  name: environmentName,
  production: z.boolean({ error: 'production: true or false.' }),
  internalDomains: domainField.optional(),
});

export const updateEnvironmentBody = z
  .strictObject({
    name: environmentName.optional(),
    production: z.boolean({ error: 'production: true or false.' }).optional(),
    internalDomains: domainField.optional(),
    retentionDays: days('retentionDays').optional(),
    unverifiedDays: days('unverifiedDays').optional(),
  })
  .refine((b) => Object.keys(b).length > 0, {
    message: 'Send at least one of: name, production, internalDomains, retentionDays, unverifiedDays.',
  });

const field = (name: string) =>
  z
    .string({ error: `${name}: text.` })
    .max(320, `${name}: at most 320 characters.`)
    .optional();

export const importUser = z.strictObject({
  username: field('username'),
  email: field('email'),
  tenant: z.string({ error: 'tenant: text.' }).max(100, 'tenant: at most 100 characters.').optional(),
  active: z.boolean({ error: 'active: true or false.' }).optional(),
  itUser: z.boolean({ error: 'itUser: true or false.' }).optional(),
});

export const replaceUsersBody = z.strictObject({
  provider: providerName,
  users: z
    .array(importUser, { error: 'users: a list of {username?, email?, tenant?, active?, itUser?}.' })
    .max(2_000_000),
});

export const lookupBody = z.strictObject({
  environment: z.string({ error: 'environment: the name or id of an environment.' }).max(100).optional(),
  accounts: z
    .array(z.strictObject({ username: field('username'), email: field('email') }), {
      error: 'accounts: a list of {username?, email?}.',
    })
    .min(1, 'accounts: send at least one account.')
    .max(1000, 'accounts: at most 1,000 per call.'),
});

export const licenceBody = z.strictObject({
  type: z.enum(LICENCE_TYPES, { error: `type: one of ${LICENCE_TYPES.join(', ')}.` }),
  startsOn: isoDay('startsOn'),
  endsOn: isoDay('endsOn').optional(),
  internalPacks: z.number({ error: 'internalPacks: a whole number.' }).int().min(0).max(100_000).optional(),
  externalPacks: z.number({ error: 'externalPacks: a whole number.' }).int().min(0).max(100_000).optional(),
});

export const extensionBody = z.strictObject({ endsOn: isoDay('endsOn') });
export const cancellationBody = z.strictObject({ cancelledOn: isoDay('cancelledOn').optional() });
export const organisationDomainsBody = z.strictObject({
  domains: domainField.describe('Own, parent and affiliate domains, comma-separated (rule 28).'),
});

export const directoryQuery = z.object({
  q: z.string().trim().max(320, 'q: at most 320 characters.').optional(),
  sort: z.enum(SORTS, { error: `sort: one of ${SORTS.join(', ')}.` }).default('email'),
  class: z.enum(['internal', 'external'], { error: 'class: internal or external.' }).optional(),
  status: z.enum(['active', 'inactive'], { error: 'status: active or inactive.' }).optional(),
  environment: z.string().max(64).optional(),
  provider: z.string().max(100).optional(),
  after: z.string().max(2000).optional(),
});

// ---- responses ----

const bucket = z.object({
  used: z.number(),
  capacity: z.number().nullable().describe('null while no licence is configured'),
  level: z.enum(['ok', 'notice', 'warning', 'over']).nullable(),
});

export const summaryResponse = z
  .object({
    asOf: z.string().describe('When these live figures were computed (UTC).'),
    internal: bucket,
    external: bucket,
    licence: z
      .object({
        type: z.enum(LICENCE_TYPES),
        endsOn: z.string(),
        state: z.enum(['active', 'ending-soon', 'expired', 'cancelled']),
      })
      .nullable(),
    breaches: z.array(z.object({ code: z.string(), message: z.string() })),
  })
  .meta({ id: 'LicenceSummary' });

export const environmentView = z
  .object({
    id: z.string(),
    name: z.string(),
    production: z.boolean(),
    internalDomains: z.array(z.string()),
  })
  .meta({ id: 'Environment' });
export const environmentList = z.object({ items: z.array(environmentView) });
export const environmentResponse = z.object({ environment: environmentView });

/** The extension reads the same answer: one schema for both sides (shared/api/extension-contract.ts). */
export const lookupResponse = lookupResponseSchema;

export const organisationDomainsResponse = z.object({ domains: z.array(z.string()) });

export const licenceResponse = z.object({
  licence: z
    .object({
      type: z.enum(LICENCE_TYPES),
      startsOn: z.string(),
      endsOn: z.string(),
      internalPacks: z.number().optional(),
      externalPacks: z.number().optional(),
      cancelledOn: z.string().nullable().optional(),
    })
    .meta({ id: 'Licence' }),
});

export const recountResponse = z.object({
  agrees: z.boolean(),
  milliseconds: z.number(),
  live: z.object({ internal: z.number(), external: z.number() }),
  full: z.object({ internal: z.number(), external: z.number() }),
  differences: z.array(z.string()),
});

export const retentionResponse = z.object({
  candidates: z.array(
    z.object({
      id: z.string(),
      email: z.string(),
      name: z.string(),
      lastSignInAt: z.string().nullable(),
      createdAt: z.string(),
      reason: z.enum(['retention', 'unverified']),
    }),
  ),
  before: z.object({ internal: z.number(), external: z.number() }).optional(),
  after: z.object({ internal: z.number(), external: z.number() }).optional(),
});
