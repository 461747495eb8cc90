import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';
import type { PasswordHashingCost } from '../config.ts';
import { COMMON_PASSWORDS } from './common-passwords.ts';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** NIST 800-63B style (messages are catalog keys: server/i18n/catalogs/): length only, no composition rules, and not a well-known password. */
export const newPasswordSchema = z
  .string({ error: 'fields.password.enter' })
  .min(PASSWORD_MIN_LENGTH, 'fields.password.short')
  .max(PASSWORD_MAX_LENGTH, 'fields.tooLong')
  .refine((value) => !COMMON_PASSWORDS.has(value.toLowerCase()), { message: 'fields.password.common' });

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Spends the same time as a real verification, so unknown emails cannot be told apart by timing. */
  verifyAgainstNothing(password: string): Promise<void>;
}

export function createPasswordHasher(cost: PasswordHashingCost): PasswordHasher {
  // 2 is Algorithm.Argon2id (an ambient const enum, which verbatimModuleSyntax cannot import).
  const options = { algorithm: 2 as const, ...cost };
  let dummyHash: Promise<string> | undefined;
  return {
    hash: (password) => hash(password, options),
    async verify(passwordHash, password) {
      try {
        return await verify(passwordHash, password);
      } catch {
        return false;
      }
    },
    async verifyAgainstNothing(password) {
      dummyHash ??= hash('seatkeeper-timing-equaliser', options);
      await verify(await dummyHash, password).catch(() => false);
    },
  };
}
