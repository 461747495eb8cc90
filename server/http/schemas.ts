// Schemas every API area shares: the one error shape, paging, plain status answers. Each is a named component of the
// OpenAPI document (`.meta({ id })`), so generated clients get one type for it rather than an inline copy per route.
import { z } from 'zod';

export const errorResponse = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine code, e.g. `validation_failed`, `not_found`, `rate_limited`.'),
      message: z.string().describe('What went wrong and what to do, for a person.'),
      fields: z.record(z.string(), z.string()).optional().describe('Field path -> what to fix, for validation errors.'),
    }),
  })
  .meta({ id: 'Error' });

export const statusResponse = z.object({ status: z.string() }).meta({ id: 'Status' });

const wholeNumberFrom1 = 'fields.wholeNumberFrom1';
const pageSizeMessage = 'fields.pageSize';

export const pageQuery = z.object({
  page: z.coerce.number({ error: wholeNumberFrom1 }).int(wholeNumberFrom1).min(1, wholeNumberFrom1).default(1),
  pageSize: z.coerce
    .number({ error: pageSizeMessage })
    .int(pageSizeMessage)
    .min(1, pageSizeMessage)
    .max(100, pageSizeMessage)
    .default(25),
});

/** One page of `item`, with the paging it was read with. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });

export const idParam = z.object({ id: z.string().min(1).max(64).describe('The resource id.') });
