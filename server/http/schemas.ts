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

/**
 * Characters a one-line name must not hold: C0 and C1 controls (CR and LF would start a new line in a mail or a log
 * line, NUL cuts text short), line and paragraph separators, and the bidirectional controls that make text read in an
 * order other than the one it is stored in.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for.
const HIDDEN_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Text a person types on one line (a name, a title): ordinary characters only. */
export const singleLine = <S extends z.ZodString>(schema: S) =>
  schema.refine((value) => !HIDDEN_CONTROLS.test(value), { message: 'fields.singleLine' });
