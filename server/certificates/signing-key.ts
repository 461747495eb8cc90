import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { dialectOf } from '../db/dialect.ts';
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';

// The keys credentials are signed with, as a ring: each key signs from its `activeFrom` until the next one's, and every
// key stays published (at its own URL, the credential's `kid`, and in the JWKS) so credentials signed before a rotation
// keep verifying. New keys are RSA (RS256): Open Badges 3.0 requires every verifier to support RS256, and other
// algorithms "limit interoperability" (docs/certificates.md). A ring from before this version holds one Ed25519 key;
// it stays, and an RS256 key signs from the upgrade on.
//
// SQLite (one machine): the ring is a 0600 file in DATA_DIR. PostgreSQL (several instances, maybe several machines): a
// row of credential_signing_keys, so every instance signs with the same keys and publishes them; a DATA_DIR key file,
// if there is one, becomes that row's first content (`seatkeeper db copy` carries it over the same way).

export type SigningAlgorithm = 'RS256' | 'EdDSA';

interface StoredKey {
  alg: SigningAlgorithm;
  privateJwk: JWK;
  /** ISO instant from which this key signs new credentials. */
  activeFrom: string;
  createdAt: string;
}

interface StoredRing {
  keys: StoredKey[];
}

export interface SigningKey {
  alg: SigningAlgorithm;
  privateKey: CryptoKey;
  /** The public key, `kid` set to its URL. */
  publicJwk: JWK;
  /** The RFC 7638 thumbprint: the last segment of the key's URL. */
  thumbprint: string;
  /** Absolute URL that answers with the public JWK: the JOSE header's `kid`. */
  kid: string;
  activeFrom: string;
}

export const SIGNING_KEY_FILE = 'credential-signing-key.json';
/** The row of credential_signing_keys holding the ring (PostgreSQL). */
export const SHARED_KEY_NAME = 'open-badges';
/** How long an instance trusts the ring it read before reading it again (another instance may have added a key). */
const RING_TTL_MS = 10_000;
const EPOCH = new Date(0).toISOString();

export const keyUrl = (deps: Deps, thumbprint: string) => `${deps.config.publicUrl}/credentials/keys/${thumbprint}`;

async function newStoredKey(alg: SigningAlgorithm, activeFrom: string, now: string): Promise<StoredKey> {
  const pair =
    alg === 'RS256'
      ? await generateKeyPair('RS256', { modulusLength: 2048, extractable: true })
      : await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { alg, privateJwk: await exportJWK(pair.privateKey), activeFrom, createdAt: now };
}

/** A stored document as a ring: a bare private JWK is the Ed25519 key of earlier versions, signing since always. */
function parseRing(text: string): StoredRing {
  const document = JSON.parse(text) as StoredRing | JWK;
  if ('keys' in document && Array.isArray(document.keys)) return document as StoredRing;
  const jwk = document as JWK;
  return {
    keys: [{ alg: jwk.kty === 'RSA' ? 'RS256' : 'EdDSA', privateJwk: jwk, activeFrom: EPOCH, createdAt: EPOCH }],
  };
}

/** Gives a ring without an RS256 key one that signs from now on (a new installation, or an upgrade). */
async function withRs256(ring: StoredRing | undefined, now: string): Promise<StoredRing | undefined> {
  if (ring?.keys.some((key) => key.alg === 'RS256')) return undefined;
  const added = await newStoredKey('RS256', ring ? now : EPOCH, now);
  return { keys: [...(ring?.keys ?? []), added] };
}

/** Where the ring is kept: read it, or replace `expected` (the text read) with a new one. */
interface RingStore {
  read(): Promise<string | undefined>;
  /** False when the stored text is no longer `expected` (another instance changed it first). */
  replace(expected: string | undefined, next: string): Promise<boolean>;
}

function fileStore(dataDir: string): RingStore {
  const file = join(dataDir, SIGNING_KEY_FILE);
  const read = async () => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);
  return {
    read,
    async replace(expected, next) {
      if ((await read()) !== expected) return false;
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, next, { mode: 0o600 });
      chmodSync(temporary, 0o600);
      renameSync(temporary, file);
      return true;
    },
  };
}

function databaseStore(deps: Deps): RingStore {
  const { db } = deps;
  const read = async () =>
    (
      await db
        .selectFrom('credential_signing_keys')
        .select('private_jwk')
        .where('name', '=', SHARED_KEY_NAME)
        .executeTakeFirst()
    )?.private_jwk;
  return {
    async read() {
      const stored = await read();
      if (stored !== undefined) return stored;
      // A DATA_DIR key file from before PostgreSQL becomes the shared ring's first content.
      const file = join(deps.config.dataDir, SIGNING_KEY_FILE);
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    },
    async replace(expected, next) {
      const now = deps.clock().toISOString();
      if ((await read()) === undefined) {
        // Instances starting together each offer a ring; the first insert wins and everyone reads that one.
        const inserted = await db
          .insertInto('credential_signing_keys')
          .values({ name: SHARED_KEY_NAME, private_jwk: next, created_at: now })
          .onConflict((oc) => oc.column('name').doNothing())
          .executeTakeFirst();
        return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
      }
      const updated = await db
        .updateTable('credential_signing_keys')
        .set({ private_jwk: next })
        .where('name', '=', SHARED_KEY_NAME)
        .where('private_jwk', '=', expected ?? '')
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    },
  };
}

const storeFor = (deps: Deps) =>
  dialectOf(deps.db).sharedByInstances ? databaseStore(deps) : fileStore(deps.config.dataDir);

const imported = new Map<string, Promise<SigningKey>>();

async function signingKeyOf(deps: Deps, stored: StoredKey): Promise<SigningKey> {
  const cacheKey = `${deps.config.publicUrl}|${stored.activeFrom}|${JSON.stringify(stored.privateJwk)}`;
  let key = imported.get(cacheKey);
  if (!key) {
    key = (async () => {
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = stored.privateJwk;
      const thumbprint = await calculateJwkThumbprint(publicPart);
      const kid = keyUrl(deps, thumbprint);
      const privateKey = (await importJWK({ ...stored.privateJwk, alg: stored.alg }, stored.alg)) as CryptoKey;
      return {
        alg: stored.alg,
        privateKey,
        publicJwk: { ...publicPart, kid, alg: stored.alg, use: 'sig' },
        thumbprint,
        kid,
        activeFrom: stored.activeFrom,
      };
    })();
    imported.set(cacheKey, key);
  }
  return key;
}

/** Reads the ring, creating or upgrading it first when it lacks an RS256 key. */
async function loadRing(deps: Deps): Promise<SigningKey[]> {
  const store = storeFor(deps);
  for (let tries = 0; tries < 5; tries++) {
    const text = await store.read();
    const ring = text === undefined ? undefined : parseRing(text);
    const upgraded = await withRs256(ring, deps.clock().toISOString());
    if (!upgraded) {
      const keys = await Promise.all((ring as StoredRing).keys.map((stored) => signingKeyOf(deps, stored)));
      return keys.sort((a, b) => a.activeFrom.localeCompare(b.activeFrom));
    }
    await store.replace(text, JSON.stringify(upgraded));
  }
  throw new Error('the credential signing keys could not be stored');
}

interface CachedRing {
  keys: Promise<SigningKey[]>;
  readAt: number;
}
const ringsByDir = new Map<string, CachedRing>();
const ringsByDatabase = new WeakMap<Deps['db'], CachedRing>();

/** Every key, oldest first (read again after RING_TTL_MS, or at once with `fresh`). */
export function signingKeys(deps: Deps, fresh = false): Promise<SigningKey[]> {
  const shared = dialectOf(deps.db).sharedByInstances;
  const cached = shared ? ringsByDatabase.get(deps.db) : ringsByDir.get(deps.config.dataDir);
  if (cached && !fresh && Date.now() - cached.readAt < RING_TTL_MS) return cached.keys;
  const entry = { keys: loadRing(deps), readAt: Date.now() };
  if (shared) ringsByDatabase.set(deps.db, entry);
  else ringsByDir.set(deps.config.dataDir, entry);
  entry.keys.catch(() => (shared ? ringsByDatabase.delete(deps.db) : ringsByDir.delete(deps.config.dataDir)));
  return entry.keys;
}

/** The key that signs a credential issued at `at`: the newest whose activeFrom has come. */
export async function signingKey(deps: Deps, at: Date = deps.clock()): Promise<SigningKey> {
  const keys = await signingKeys(deps);
  const instant = at.toISOString();
  const active = keys.filter((key) => key.activeFrom <= instant).at(-1) ?? keys[0];
  if (!active) throw new Error('no credential signing key');
  return active;
}

/** A published key by its thumbprint (a key another instance added just now included). */
export async function publishedKey(deps: Deps, thumbprint: string): Promise<SigningKey | undefined> {
  const find = (keys: SigningKey[]) => keys.find((key) => key.thumbprint === thumbprint);
  return find(await signingKeys(deps)) ?? find(await signingKeys(deps, true));
}

/** Adds a new RS256 key that signs from `activeFrom` (now or later); earlier credentials keep their keys. */
export async function scheduleKeyRotation(deps: Deps, activeFrom: Date): Promise<SigningKey> {
  const now = deps.clock();
  if (activeFrom.getTime() < now.getTime() - 60_000)
    throw new ApiError(
      400,
      'rotation_in_the_past',
      'A new key can sign from now or a later date, not an earlier one.',
      {
        activeFrom: 'Give now or a later date.',
      },
    );
  await signingKeys(deps, true);
  const store = storeFor(deps);
  for (let tries = 0; tries < 5; tries++) {
    const text = await store.read();
    const ring = parseRing(text as string);
    const added = await newStoredKey('RS256', activeFrom.toISOString(), now.toISOString());
    if (await store.replace(text, JSON.stringify({ keys: [...ring.keys, added] }))) {
      await signingKeys(deps, true);
      return signingKeyOf(deps, added);
    }
  }
  throw new ApiError(409, 'rotation_conflict', 'The keys changed meanwhile; try again.');
}

/** The JWKS verifiers read: every key, without private parts. */
export async function jwks(deps: Deps) {
  return { keys: (await signingKeys(deps)).map((key) => key.publicJwk) };
}
