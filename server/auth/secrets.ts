import { hash } from 'node:crypto';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

// One scheme for every bearer secret (sessions, access tokens, emailed links): "<id>.<secret>".
// The id finds the row; only SHA-256(secret) is stored and compared in constant time.

export function randomString(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  return encodeBase32LowerCaseNoPadding(buffer);
}

/** Row ids for accounts and tokens: 80 random bits, base32 lower-case (16 characters). */
export const newId = (): string => randomString(10);

export interface IssuedSecret {
  id: string;
  /** The full "<id>.<secret>" value handed to the user exactly once. */
  token: string;
  secretHash: string;
}

export function issueSecret(): IssuedSecret {
  const id = newId();
  const secret = randomString(32);
  return { id, token: `${id}.${secret}`, secretHash: hashSecret(secret) };
}

/** Node's native SHA-256 (same digest as @oslojs/crypto's sha256, several times faster on the per-request path). */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

const TOKEN_SHAPE = /^([a-z2-7]{16})\.([a-z2-7]{52})$/;

/** Splits "<id>.<secret>"; null when the shape is wrong so callers can answer "invalid" without a lookup. */
export function parseSecret(token: string): { id: string; secret: string } | null {
  const match = TOKEN_SHAPE.exec(token);
  if (!match?.[1] || !match[2]) return null;
  return { id: match[1], secret: match[2] };
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === 32 && constantTimeEqual(hash('sha256', secret, 'buffer'), stored);
}
