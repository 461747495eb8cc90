import { z } from 'zod';
import { newPasswordSchema } from '../../auth/passwords.ts';
import { ROLES } from '../../auth/tables.ts';
import { pageOf, pageQuery, singleLine } from '../../http/schemas.ts';

// Request schemas are strict: unknown keys (e.g. "role" on a registration) are refused, not silently dropped. Their
// messages are catalog keys, read in the person's language (server/http/errors.ts, fieldErrorsFrom).

export const emailField = z.email({ error: 'fields.email' }).max(320, 'fields.tooLong');
export const nameField = singleLine(
  z.string({ error: 'fields.name' }).trim().min(1, 'fields.name').max(200, 'fields.tooLong'),
);
export const roleField = z.enum(ROLES, { error: 'fields.role' });
const tokenField = z.string({ error: 'fields.token' }).min(1, 'fields.token').max(200, 'fields.token');

export const signInBody = z.strictObject({
  email: z.string({ error: 'fields.signInEmail' }).trim().min(1, 'fields.signInEmail').max(320, 'fields.tooLong'),
  password: z.string({ error: 'fields.signInPassword' }).min(1, 'fields.signInPassword').max(1024, 'fields.tooLong'),
});

export const registrationBody = z.strictObject({
  name: nameField,
  email: emailField,
  password: newPasswordSchema,
});

export const emailVerificationBody = z.strictObject({ token: tokenField });
export const passwordResetBody = z.strictObject({ email: emailField });
export const passwordResetConfirmBody = z.strictObject({ token: tokenField, password: newPasswordSchema });
export const setupBody = z.strictObject({
  token: tokenField,
  name: nameField,
  email: emailField,
  password: newPasswordSchema,
});

export const createUserBody = z.strictObject({
  email: emailField,
  name: nameField,
  role: roleField,
  password: newPasswordSchema.optional().describe('Omit to email the person an invitation link instead.'),
});

export const updateUserBody = z
  .strictObject({ name: nameField.optional(), role: roleField.optional() })
  .refine((body) => body.name !== undefined || body.role !== undefined, {
    message: 'fields.updateUser',
  });

export const userListQuery = pageQuery.extend({
  q: z.string().trim().max(200, 'fields.tooLong').optional().describe('Matches email (username) or name.'),
  role: roleField.optional(),
  active: z.enum(['true', 'false'], { error: 'fields.trueFalse' }).optional(),
});

export const createTokenBody = z.strictObject({
  name: singleLine(
    z.string({ error: 'fields.tokenName' }).trim().min(1, 'fields.tokenName').max(100, 'fields.tooLong'),
  ),
  scope: z.enum(['read', 'admin'], { error: 'fields.tokenScope' }),
  expiresAt: z.iso.datetime({ error: 'fields.isoDateTime' }).optional(),
});

// ---- responses (documented in OpenAPI) ----

export const accountView = z
  .object({
    id: z.string(),
    email: z.string(),
    username: z.string().describe('Currently equal to the email address.'),
    name: z.string(),
    role: roleField,
    active: z.boolean(),
    createdAt: z.string(),
    deactivatedAt: z.string().nullable(),
    emailVerifiedAt: z.string().nullable(),
    lastSignInAt: z.string().nullable(),
  })
  .meta({ id: 'Account' });

export const accountResponse = z.object({ account: accountView });
export const accountPage = pageOf(accountView);

export const tokenView = z
  .object({
    id: z.string(),
    name: z.string(),
    scope: z.enum(['read', 'admin']),
    owner: z.object({ id: z.string(), email: z.string() }),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'AccessToken' });
export const tokenList = z.object({ items: z.array(tokenView) });
export const createdToken = z.object({
  token: z.string().describe('The secret, shown only in this response. Send it as `Authorization: Bearer <token>`.'),
  accessToken: tokenView,
});

export const signedOutResponse = z
  .object({
    sessionsEnded: z.number().int().describe('Sessions of the account that were ended.'),
    tokensRevoked: z.number().int().describe('Personal access tokens of the account that were revoked.'),
  })
  .meta({ id: 'SignedOut' });

export const passwordChangedResponse = signedOutResponse
  .extend({ status: z.literal('password_changed') })
  .meta({ id: 'PasswordChanged' });

export const signInLockResponse = z
  .object({
    failedAttempts: z.number().int().describe('Failed sign-ins at the account from unknown devices this hour.'),
    pausedUntil: z
      .string()
      .nullable()
      .describe('Sign-ins from unknown devices are refused until then (known devices are not); null when not paused.'),
  })
  .meta({ id: 'SignInLock' });
