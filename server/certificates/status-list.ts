// Revocation as verifiers check it: a W3C Bitstring Status List (v1.0). Every credential names its list and its
// position in `credentialStatus` (a BitstringStatusListEntry); the list is a signed credential whose gzip-compressed
// bitstring has a 1 at the position of each revoked certificate. It is computed from the certificates table when asked
// for, so a revocation or a re-issue shows in it at once. Positions are drawn at random within the list being filled,
// so a credential's position says nothing about when it was issued (the specification's advice for privacy).
import { randomInt } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { SignJWT } from 'jose';
import type { Deps } from '../deps.ts';
import { issuerId } from './issuer.ts';
import { signingKey } from './signing-key.ts';
import type { Certificate } from './tables.ts';

/** Entries per list: the specification's minimum (16 KiB uncompressed), so a list hides which credential is asked for. */
export const LIST_SIZE = 131_072;

export const statusListUrl = (deps: Deps, list: number) => `${deps.config.publicUrl}/credentials/status/${list}`;

/** The BitstringStatusListEntry of a position (lists are numbered from 1). */
export function credentialStatusEntry(deps: Deps, index: number) {
  const list = Math.floor(index / LIST_SIZE) + 1;
  const url = statusListUrl(deps, list);
  return {
    id: `${url}#${index % LIST_SIZE}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: String(index % LIST_SIZE),
    statusListCredential: url,
  };
}

/** The certificate's position in the status lists, drawn the first time a credential of it is signed. */
export async function statusIndexOf(deps: Deps, certificate: Certificate): Promise<number> {
  if (certificate.status_index !== null) return certificate.status_index;
  for (let tries = 0; tries < 50; tries++) {
    const stored = await deps.db
      .selectFrom('certificates')
      .select('status_index')
      .where('id', '=', certificate.id)
      .executeTakeFirstOrThrow();
    if (stored.status_index !== null) return stored.status_index;
    const { assigned } = await deps.db
      .selectFrom('certificates')
      .select((eb) => eb.fn.count<number>('status_index').as('assigned'))
      .executeTakeFirstOrThrow();
    // Fill a list to half before starting the next one, so a random position is found in a few draws.
    const list = Math.floor(Number(assigned) / (LIST_SIZE / 2));
    const candidate = list * LIST_SIZE + randomInt(LIST_SIZE);
    try {
      const updated = await deps.db
        .updateTable('certificates')
        .set({ status_index: candidate })
        .where('id', '=', certificate.id)
        .where('status_index', 'is', null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 1) return candidate;
    } catch (error) {
      // Another certificate holds that position (the unique index): draw again.
      const taken = await deps.db
        .selectFrom('certificates')
        .select('id')
        .where('status_index', '=', candidate)
        .executeTakeFirst();
      if (!taken) throw error;
    }
  }
  throw new Error('no free position in the credential status list');
}

/** The list's bitstring: bit i (counted from the first byte's most significant bit) is 1 when position i is revoked. */
export async function revocationBits(deps: Deps, list: number): Promise<Uint8Array> {
  const start = (list - 1) * LIST_SIZE;
  const rows = await deps.db
    .selectFrom('certificates')
    .select('status_index')
    .where('status_index', '>=', start)
    .where('status_index', '<', start + LIST_SIZE)
    .where('revoked_at', 'is not', null)
    .execute();
  const bits = new Uint8Array(LIST_SIZE / 8);
  for (const { status_index } of rows) {
    const position = (status_index as number) - start;
    bits[position >> 3] = (bits[position >> 3] as number) | (0x80 >> (position & 7));
  }
  return bits;
}

/** Multibase base64url (prefix "u", no padding) of the gzip-compressed bitstring: the list's `encodedList`. */
export const encodeList = (bits: Uint8Array) => `u${gzipSync(bits).toString('base64url')}`;

/** How many lists exist (at least one, so the first list's URL answers before any credential is signed). */
export async function listCount(deps: Deps): Promise<number> {
  const { highest } = await deps.db
    .selectFrom('certificates')
    .select((eb) => eb.fn.max<number | null>('status_index').as('highest'))
    .executeTakeFirstOrThrow();
  return highest === null ? 1 : Math.floor(Number(highest) / LIST_SIZE) + 1;
}

/** The BitstringStatusListCredential of a list, signed as a VC-JWT like the credentials that point to it. */
export async function signedStatusList(deps: Deps, list: number): Promise<string> {
  const now = deps.clock();
  const url = statusListUrl(deps, list);
  const issuer = issuerId(deps);
  const credential = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer,
    validFrom: now.toISOString(),
    credentialSubject: {
      id: `${url}#list`,
      type: 'BitstringStatusList',
      statusPurpose: 'revocation',
      encodedList: encodeList(await revocationBits(deps, list)),
    },
  };
  const key = await signingKey(deps, now);
  return new SignJWT(credential)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setJti(url)
    .setSubject(credential.credentialSubject.id)
    .setNotBefore(Math.floor(now.getTime() / 1000))
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .sign(key.privateKey);
}
