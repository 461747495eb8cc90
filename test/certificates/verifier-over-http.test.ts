import { createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import { createServer } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startNodeServer } from '../../server/http/node-server.ts';
import { decodeCompactJws, passedCertificate } from '../support/certificates.ts';
import { call, makeApp, PUBLIC_URL, type TestContext } from '../support/server.ts';

// A verifier that has only the credential: it follows the URLs inside it over real HTTP (as a wallet or an employer's
// checker on another site would), checks signatures with Node's crypto (not jose, which signs), and reads the status
// list itself. Nothing here calls into the server's code except to start it.

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()?.close();
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The app listening on loopback; its PUBLIC_URL's host (seatkeeper.test) resolves there, as DNS would send it. */
let listening = '';
async function listeningApp(): Promise<{ ctx: TestContext }> {
  const port = await freePort();
  const ctx = await makeApp();
  servers.push(await startNodeServer(ctx.app, ctx.config, { port, host: '127.0.0.1' }));
  listening = `http://127.0.0.1:${port}`;
  return { ctx };
}

/** GET from another site's page: its Origin header; the answer must let that page read it. */
async function crossSiteGet(url: string): Promise<Response> {
  expect(url.startsWith(`${PUBLIC_URL}/`), url).toBe(true);
  const response = await fetch(listening + url.slice(PUBLIC_URL.length), {
    headers: { origin: 'https://employer.example' },
  });
  expect(response.status, url).toBe(200);
  expect(response.headers.get('access-control-allow-origin'), url).toBe('*');
  expect(response.headers.get('cross-origin-resource-policy'), url).toBe('cross-origin');
  return response;
}

/** A compact JWS whose key is dereferenced from its `kid`: the payload when the signature holds. */
async function verifyJws(jws: string): Promise<Record<string, unknown>> {
  const { header, payload, signingInput, signature } = decodeCompactJws(jws);
  expect(header.alg).toBe('RS256');
  const jwk = (await (await crossSiteGet(String(header.kid))).json()) as JsonWebKey;
  expect(jwk).not.toHaveProperty('d');
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  if (!verify('sha256', signingInput, key, signature)) throw new Error('signature does not verify');
  return payload;
}

/** Bitstring Status List v1.0 validation: dereference, verify, expand, read the credential's bit. */
async function revoked(credential: Record<string, unknown>): Promise<boolean> {
  const entry = credential.credentialStatus as Record<string, string>;
  expect(entry.type).toBe('BitstringStatusListEntry');
  expect(entry.statusPurpose).toBe('revocation');
  const list = await verifyJws(await (await crossSiteGet(entry.statusListCredential as string)).text());
  expect(list.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential']);
  const subject = list.credentialSubject as Record<string, string>;
  expect(subject.statusPurpose).toBe('revocation');
  const encoded = subject.encodedList as string;
  expect(encoded.startsWith('u')).toBe(true);
  const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  expect(bits.length * 8).toBeGreaterThanOrEqual(131_072);
  const index = Number(entry.statusListIndex);
  return ((bits[index >> 3] as number) & (0x80 >> (index & 7))) !== 0;
}

describe('a verifier with the JWT alone, over HTTP', () => {
  it('finds the key from kid, checks the signature and the status bit: valid, then revoked', async () => {
    const { ctx } = await listeningApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const jwt = await (
      await call(ctx, 'GET', `/api/v1/certificates/${certificateId}/credential`, { cookie: world.cookie })
    ).text();

    const credential = await verifyJws(jwt);
    expect(credential.iss).toBe(`${PUBLIC_URL}/issuer`);
    expect((credential.issuer as { id: string }).id).toBe(`${PUBLIC_URL}/issuer`);
    expect(await revoked(credential)).toBe(false);
    // The issuer and the achievement the credential names answer at their ids, to any site.
    await crossSiteGet((credential.issuer as { id: string }).id);
    await crossSiteGet((credential.credentialSubject as { achievement: { id: string } }).achievement.id);
    await crossSiteGet(`${PUBLIC_URL}/.well-known/jwks.json`);
    const verification = await crossSiteGet(`${PUBLIC_URL}/api/v1/verify/${certificateId}`);
    expect(((await verification.json()) as { certificate: { status: string } }).certificate.status).toBe('valid');

    const revoke = await call(ctx, 'POST', `/api/v1/certificates/${certificateId}/revoke`, {
      cookie: world.adminCookie,
      json: { reason: 'Exam irregularity found on review' },
    });
    expect(revoke.status).toBe(200);
    // The same JWT, downloaded before the revocation, now reads as revoked: its signature still holds, its bit is set.
    expect(await revoked(await verifyJws(jwt))).toBe(true);
  });

  it('reads the credential baked into the badge PNG and verifies it', async () => {
    const { ctx } = await listeningApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const png = Buffer.from(
      await (
        await call(ctx, 'GET', `/api/v1/certificates/${certificateId}/badge.png`, { cookie: world.cookie })
      ).arrayBuffer(),
    );
    const chunks = readPngChunks(png);
    expect(chunks[0]?.type).toBe('IHDR');
    expect(chunks.at(-1)?.type).toBe('IEND');
    const baked = chunks.filter((chunk) => chunk.type === 'iTXt' && chunk.keyword === 'openbadgecredential');
    expect(baked).toHaveLength(1);
    expect(baked[0]?.compressed).toBe(false);
    const credential = await verifyJws(baked[0]?.text as string);
    expect(credential.id).toContain(certificateId);
    expect(await revoked(credential)).toBe(false);
    // The image is still a PNG any reader decodes: its pixel data inflates to width x height rows.
    const header = chunks[0]?.data as Buffer;
    const [width, height] = [header.readUInt32BE(0), header.readUInt32BE(4)];
    const pixels = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
    expect(pixels.length).toBe(height * (1 + width * 4));
  });
});

/** PNG chunks read by the book (PNG spec, section 5), with the CRC of each checked and iTXt fields split out. */
function readPngChunks(png: Buffer) {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: { type: string; data: Buffer; keyword?: string; compressed?: boolean; text?: string }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length), `CRC of ${type}`).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    const chunk: (typeof chunks)[number] = { type, data };
    if (type === 'iTXt') {
      const keywordEnd = data.indexOf(0);
      const languageEnd = data.indexOf(0, keywordEnd + 3);
      const translatedEnd = data.indexOf(0, languageEnd + 1);
      chunk.keyword = data.toString('latin1', 0, keywordEnd);
      chunk.compressed = data[keywordEnd + 1] === 1;
      chunk.text = data.toString('utf8', translatedEnd + 1);
    }
    chunks.push(chunk);
    at += 12 + length;
  }
  return chunks;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
