import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { fieldErrorsFrom, validationFailed } from './errors.ts';

/** zod at the edge: failures become one validation_failed error naming each field and what to fix. */
export const validate = <Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) =>
  zValidator(target, schema, (result) => {
    if (!result.success) throw validationFailed(fieldErrorsFrom(result.error));
  });
