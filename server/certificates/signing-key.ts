import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { dialectOf } from '../db/dialect.ts';
import type { Deps } from '../deps.ts';

// Signing key for Open Badges credentials: Ed25519, generated on first use. SQLite (one machine): kept in DATA_DIR
// with mode 0600. PostgreSQL (several instances, maybe on several machines): kept in the database, so every instance
// signs with the same key and publishes it; a DATA_DIR key file, if there is one, becomes that key.

export interface SigningKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

const keysByDir = new Map<string, Promise<SigningKey>>();
const keysByDatabase = new WeakMap<Deps['db'], Promise<SigningKey>>();
export const SIGNING_KEY_FILE = 'credential-signing-key.json';
/** The row of credential_signing_keys holding the key (PostgreSQL). */
export const SHARED_KEY_NAME = 'open-badges';

async function newPrivateJwk(): Promise<JWK> {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return exportJWK(pair.privateKey);
}

const readKeyFile = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as JWK;

async function loadOrCreateKeyFile(dataDir: string): Promise<SigningKey> {
  const file = join(dataDir, SIGNING_KEY_FILE);
  let privateJwk: JWK;
  if (existsSync(file)) {
    privateJwk = readKeyFile(file);
  } else {
    privateJwk = await newPrivateJwk();
    try {
      writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first: use that one, so every instance signs with the same key.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      privateJwk = readKeyFile(file);
    }
  }
  chmodSync(file, 0o600);
  return signingKeyOf(privateJwk);
}

async function loadOrCreateSharedKey(deps: Deps): Promise<SigningKey> {
  const { db } = deps;
  const stored = () =>
    db
      .selectFrom('credential_signing_keys')
      .select('private_jwk')
      .where('name', '=', SHARED_KEY_NAME)
      .executeTakeFirst();
  let row = await stored();
  if (!row) {
    const file = join(deps.config.dataDir, SIGNING_KEY_FILE);
    const candidate = existsSync(file) ? readKeyFile(file) : await newPrivateJwk();
    // Instances starting together each offer a key; the first insert wins and everyone reads that one.
    await db
      .insertInto('credential_signing_keys')
      .values({ name: SHARED_KEY_NAME, private_jwk: JSON.stringify(candidate), created_at: deps.clock().toISOString() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    row = await stored();
  }
  if (!row) throw new Error('the credential signing key could not be stored');
  return signingKeyOf(JSON.parse(row.private_jwk) as JWK);
}

async function signingKeyOf(privateJwk: JWK): Promise<SigningKey> {
  const { d: _secret, ...publicPart } = privateJwk;
  const kid = await calculateJwkThumbprint(publicPart);
  const privateKey = (await importJWK({ ...privateJwk, alg: 'EdDSA' }, 'EdDSA')) as CryptoKey;
  return { privateKey, publicJwk: { ...publicPart, kid, alg: 'EdDSA', use: 'sig' }, kid };
}

export function signingKey(deps: Deps): Promise<SigningKey> {
  const shared = dialectOf(deps.db).sharedByInstances;
  let key = shared ? keysByDatabase.get(deps.db) : keysByDir.get(deps.config.dataDir);
  if (!key) {
    const loading = shared ? loadOrCreateSharedKey(deps) : loadOrCreateKeyFile(deps.config.dataDir);
    if (shared) keysByDatabase.set(deps.db, loading);
    else keysByDir.set(deps.config.dataDir, loading);
    loading.catch(() => (shared ? keysByDatabase.delete(deps.db) : keysByDir.delete(deps.config.dataDir)));
    key = loading;
  }
  return key;
}

export async function jwks(deps: Deps) {
  return { keys: [(await signingKey(deps)).publicJwk] };
}
