// zod at the edge of the licence portal: request bodies and queries, with messages naming the field and what to fix.
import { z } from 'zod';
import { breachSchema, lookupResponseSchema } from '../../shared/api/extension-contract.ts';
import { LICENCE_CATALOGUE, type LicenceType } from '../../shared/licensing/capacity.ts';
import { singleLine } from '../http/schemas.ts';
import { SORTS } from './directory.ts';

const LICENCE_TYPES = Object.keys(LICENCE_CATALOGUE) as [LicenceType, ...LicenceType[]];
// Messages are catalog keys ({field} is the field's name), read in the person's language (server/http/errors.ts).
const isoDay = () => z.string({ error: 'fields.isoDay' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'fields.isoDay');
const days = () =>
  z.number({ error: 'fields.daysOrNull' }).int('fields.days').min(1, 'fields.days').max(3650, 'fields.days').nullable();
const environmentName = singleLine(
  z.string({ error: 'fields.environmentName' }).trim().min(1, 'fields.environmentName').max(100, 'fields.tooLong'),
);
const providerName = singleLine(
  z.string({ error: 'fields.providerName' }).trim().min(1, 'fields.providerName').max(100, 'fields.tooLong'),
);
const domainField = z.string({ error: 'fields.domains' }).max(5000, 'fields.tooLong');

export const providerForm = z.strictObject({ provider: providerName });

export const createEnvironmentBody = z.strictObject({
  name: environmentName,
  production: z.boolean({ error: 'fields.fieldTrueFalse' }),
  internalDomains: domainField.optional(),
});

export const updateEnvironmentBody = z
  .strictObject({
    name: environmentName.optional(),
    production: z.boolean({ error: 'fields.fieldTrueFalse' }).optional(),
    internalDomains: domainField.optional(),
    retentionDays: days().optional(),
    unverifiedDays: days().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'fields.environmentPatch' });

const field = () => z.string({ error: 'fields.fieldText' }).max(320, 'fields.fieldTooLong').optional();

export const importUser = z.strictObject({
  username: field(),
  email: field(),
  tenant: z.string({ error: 'fields.fieldText' }).max(100, 'fields.fieldTooLong').optional(),
  active: z.boolean({ error: 'fields.fieldTrueFalse' }).optional(),
  itUser: z.boolean({ error: 'fields.fieldTrueFalse' }).optional(),
});

export const replaceUsersBody = z.strictObject({
  provider: providerName,
  users: z.array(importUser, { error: 'fields.importUsers' }).max(2_000_000, 'fields.fieldAtMost'),
});

export const lookupBody = z.strictObject({
  environment: z.string({ error: 'fields.lookupEnvironment' }).max(100, 'fields.fieldTooLong').optional(),
  accounts: z
    .array(z.strictObject({ username: field(), email: field() }), { error: 'fields.lookupAccounts' })
    .min(1, 'fields.lookupAtLeastOne')
    .max(1000, 'fields.lookupAtMost'),
});

const packs = z
  .number({ error: 'fields.fieldWholeNumber' })
  .int('fields.fieldWholeNumber')
  .min(0, 'fields.fieldWholeNumber')
  .max(100_000, 'fields.fieldAtMost')
  .optional();

export const licenceBody = z.strictObject({
  type: z.enum(LICENCE_TYPES, { error: 'fields.fieldOneOf' }),
  startsOn: isoDay(),
  endsOn: isoDay().optional(),
  internalPacks: packs,
  externalPacks: packs,
});

export const extensionBody = z.strictObject({ endsOn: isoDay() });
export const cancellationBody = z.strictObject({ cancelledOn: isoDay().optional() });
export const organisationDomainsBody = z.strictObject({
  domains: domainField.describe('Own, parent and affiliate domains, comma-separated (rule 28).'),
});

export const directoryQuery = z.object({
  q: z.string().trim().max(320, 'fields.fieldTooLong').optional(),
  sort: z.enum(SORTS, { error: 'fields.fieldOneOf' }).default('email'),
  class: z.enum(['internal', 'external'], { error: 'fields.fieldOneOf' }).optional(),
  status: z.enum(['active', 'inactive', 'closed', 'erased'], { error: 'fields.fieldOneOf' }).optional(),
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
    breaches: z.array(breachSchema).describe("Each breach's code and values, worded in the requester's language."),
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
