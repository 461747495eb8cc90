import { createHash, createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { SIGNING_KEY_FILE } from '../../server/certificates/signing-key.ts';
import { decodeCompactJws, passedCertificate } from '../support/certificates.ts';
import { call, makeApp, sessionCookieFor, type TestContext } from '../support/server.ts';

// The 1EdTech schema, vendored with its source and licence (fixtures/1edtech/SOURCE.md).
const schema = JSON.parse(
  readFileSync(new URL('./fixtures/1edtech/ob_v3p0_achievementcredential_schema.json', import.meta.url), 'utf8'),
);
const ajv = new Ajv2019({ strict: false, allErrors: true });
addFormats.default(ajv);
const validateAchievementCredential = ajv.compile(schema);

async function credentialJwt(ctx: TestContext, certificateId: string, cookie: string): Promise<string> {
  const response = await call(ctx, 'GET', `/api/v1/certificates/${certificateId}/credential`, { cookie });
  expect(response.status).toBe(200);
  return response.text();
}

/** What a verifier does with only the JWT: dereference `kid`, verify with Node's crypto (not jose, which signs). */
async function verifiedByKidUrl(ctx: TestContext, jwt: string) {
  const { header, payload, signingInput, signature } = decodeCompactJws(jwt);
  const kid = new URL(String(header.kid));
  const keyResponse = await call(ctx, 'GET', `${kid.pathname}`, { sameOrigin: false });
  expect(keyResponse.status).toBe(200);
  expect(keyResponse.headers.get('access-control-allow-origin')).toBe('*');
  const jwk = (await keyResponse.json()) as JsonWebKey & { kid: string };
  expect(jwk.kid).toBe(header.kid);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const valid =
    header.alg === 'RS256'
      ? verify('sha256', signingInput, key, signature)
      : header.alg === 'EdDSA'
        ? verify(null, signingInput, key, signature)
        : false;
  return { valid, header, payload };
}

describe('Open Badges 3.0 credential', () => {
  it('validates against the 1EdTech AchievementCredential schema, which refuses a broken one', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const { payload } = decodeCompactJws(await credentialJwt(ctx, certificateId, world.cookie));
    const valid = validateAchievementCredential(payload);
    expect(validateAchievementCredential.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The schema is not a rubber stamp: an achievement without criteria, or a string type, fails it.
    const broken = structuredClone(payload) as { credentialSubject: { achievement: Record<string, unknown> } };
    delete broken.credentialSubject.achievement.criteria;
    expect(validateAchievementCredential(broken)).toBe(false);
    expect(validateAchievementCredential({ ...payload, type: 'OpenBadgeCredential' })).toBe(false);
  });

  it('is a VC-JOSE-COSE payload with the claims and JOSE header Open Badges 3.0 asks for', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const { header, payload } = decodeCompactJws(await credentialJwt(ctx, certificateId, world.cookie));
    expect(Object.keys(header).sort()).toEqual(['alg', 'kid', 'typ']);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(String(header.kid)).toMatch(/^http:\/\/seatkeeper\.test\/credentials\/keys\/[A-Za-z0-9_-]{43}$/);
    expect(payload).not.toHaveProperty('vc');
    const credential = payload as {
      '@context': string[];
      id: string;
      issuer: { id: string; name: string };
      validFrom: string;
      validUntil: string;
      credentialSubject: { id: string; achievement: Record<string, unknown> };
      credentialStatus: Record<string, string>;
    };
    expect(credential['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ]);
    expect(payload.iss).toBe(credential.issuer.id);
    expect(payload.sub).toBe(credential.credentialSubject.id);
    expect(payload.jti).toBe(credential.id);
    expect(payload.nbf).toBe(Date.parse(credential.validFrom) / 1000);
    expect(payload.exp).toBe(Date.parse(credential.validUntil) / 1000);
    expect(credential.credentialStatus).toEqual({
      id: expect.stringMatching(/^http:\/\/seatkeeper\.test\/credentials\/status\/1#\d+$/),
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: expect.stringMatching(/^\d+$/),
      statusListCredential: 'http://seatkeeper.test/credentials/status/1',
    });
    expect(credential.credentialSubject.achievement).toMatchObject({
      id: expect.stringContaining(`/achievements/${world.examId}`),
      type: ['Achievement'],
      achievementType: 'Certification',
      name: 'Safety basics',
      image: { id: expect.stringContaining(`/achievements/${world.examId}/image.png`), type: 'Image' },
    });
    // The criteria say what this exam asked for, nothing it did not (no proctoring).
    const narrative = (credential.credentialSubject.achievement.criteria as { narrative: string }).narrative;
    expect(narrative).toContain('at least 60%');
    expect(narrative).toContain('30 minutes');
    expect(narrative).toContain('4 questions');
    expect(narrative).not.toMatch(/proctor/i);
  });

  it('lets a verifier check the badge belongs to the email presented (salted SHA-256, never the address)', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const jwt = await credentialJwt(ctx, certificateId, world.cookie);
    expect(jwt).not.toContain(world.candidate.email);
    const { payload } = decodeCompactJws(jwt);
    const [identity] = (payload.credentialSubject as { identifier: Record<string, unknown>[] }).identifier;
    expect(identity).toMatchObject({ type: 'IdentityObject', identityType: 'emailAddress', hashed: true });
    const hash = (email: string) =>
      `sha256$${createHash('sha256')
        .update(`${email}${String(identity?.salt)}`)
        .digest('hex')}`;
    expect(identity?.identityHash).toBe(hash(world.candidate.email));
    expect(identity?.identityHash).not.toBe(hash('someone.else@example.com'));
  });

  it('verifies with Node crypto from the JWK its kid URL serves; a changed payload does not', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const jwt = await credentialJwt(ctx, certificateId, world.cookie);
    expect((await verifiedByKidUrl(ctx, jwt)).valid).toBe(true);
    const [header, , signature] = jwt.split('.');
    const { payload } = decodeCompactJws(jwt);
    (payload.credentialSubject as { name: string }).name = 'Mallory';
    const forged = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    expect((await verifiedByKidUrl(ctx, forged)).valid).toBe(false);
  });

  it('rotates keys: a new key signs from its date on, and credentials signed before keep verifying', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const before = await credentialJwt(ctx, certificateId, world.cookie);
    const activeFrom = new Date(ctx.now().getTime() + 24 * 3600 * 1000).toISOString();
    const rotated = await call(ctx, 'POST', '/api/v1/credential-keys', {
      cookie: world.adminCookie,
      json: { activeFrom },
    });
    expect(rotated.status).toBe(201);
    const { key } = (await rotated.json()) as { key: { kid: string; current: boolean } };
    expect(key.current).toBe(false);
    expect(decodeCompactJws(await credentialJwt(ctx, certificateId, world.cookie)).header.kid).not.toBe(key.kid);
    ctx.advance(2 * 24 * 3600);
    const after = await credentialJwt(ctx, certificateId, world.cookie);
    const adminCookie = await sessionCookieFor(ctx, world.admin);
    expect(decodeCompactJws(after).header.kid).toBe(key.kid);
    expect((await verifiedByKidUrl(ctx, before)).valid).toBe(true);
    expect((await verifiedByKidUrl(ctx, after)).valid).toBe(true);
    const jwks = (await (await call(ctx, 'GET', '/.well-known/jwks.json')).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([decodeCompactJws(before).header.kid, key.kid]);
    const past = await call(ctx, 'POST', '/api/v1/credential-keys', {
      cookie: adminCookie,
      json: { activeFrom: '2020-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);
  });

  it('keeps the Ed25519 key of earlier versions published and signs new credentials with RS256', async () => {
    const ctx = await makeApp();
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    writeFileSync(join(ctx.dataDir, SIGNING_KEY_FILE), JSON.stringify(await exportJWK(pair.privateKey)), {
      mode: 0o600,
    });
    const { world, certificateId } = await passedCertificate(ctx);
    const jwks = (await (await call(ctx, 'GET', '/.well-known/jwks.json')).json()) as { keys: { alg: string }[] };
    expect(jwks.keys.map((k) => k.alg)).toEqual(['EdDSA', 'RS256']);
    const { valid, header } = await verifiedByKidUrl(ctx, await credentialJwt(ctx, certificateId, world.cookie));
    expect(header.alg).toBe('RS256');
    expect(valid).toBe(true);
  });
});

describe('the issuer and the achievement at their ids', () => {
  it('serve the organisation set in the portal as a Profile (JSON for programs, a page for browsers), from any site', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const png = readFileSync(new URL('./fixtures/logo.png', import.meta.url));
    const saved = await call(ctx, 'PUT', '/api/v1/organisation', {
      cookie: world.adminCookie,
      json: {
        name: 'Example Training Ltd',
        url: 'https://training.example.com',
        email: 'certification@example.com',
        logoBase64: png.toString('base64'),
      },
    });
    expect(saved.status).toBe(200);
    const { payload } = decodeCompactJws(await credentialJwt(ctx, certificateId, world.cookie));
    const issuer = payload.issuer as { id: string; name: string; url: string; email: string; image: { id: string } };
    expect(issuer).toMatchObject({
      id: 'http://seatkeeper.test/issuer',
      type: ['Profile'],
      name: 'Example Training Ltd',
      url: 'https://training.example.com',
      email: 'certification@example.com',
      image: { id: 'http://seatkeeper.test/issuer/logo', type: 'Image' },
    });
    const json = await call(ctx, 'GET', '/issuer', { headers: { accept: 'application/json' }, sameOrigin: false });
    expect(json.status).toBe(200);
    expect(json.headers.get('access-control-allow-origin')).toBe('*');
    expect(await json.json()).toMatchObject({ id: issuer.id, name: 'Example Training Ltd', type: ['Profile'] });
    const page = await call(ctx, 'GET', '/issuer', { headers: { accept: 'text/html' }, sameOrigin: false });
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Example Training Ltd');
    const logo = await call(ctx, 'GET', '/issuer/logo', { sameOrigin: false });
    expect(logo.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await logo.arrayBuffer()).equals(png)).toBe(true);

    const refused = await call(ctx, 'PUT', '/api/v1/organisation', {
      cookie: world.adminCookie,
      json: { name: 'Example Training Ltd', logoBase64: Buffer.from('<svg/>').toString('base64') },
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('logo_not_an_image');
  });

  it('serve each exam as an Achievement with a badge image, and 404 for an exam nobody can see', async () => {
    const ctx = await makeApp();
    const { world } = await passedCertificate(ctx);
    const json = await call(ctx, 'GET', `/achievements/${world.examId}`, { sameOrigin: false });
    // (The resource policy other sites need is checked over real HTTP, in verifier-over-http.test.ts.)
    expect(json.headers.get('access-control-allow-origin')).toBe('*');
    const achievement = (await json.json()) as Record<string, unknown>;
    expect(achievement).toMatchObject({
      type: ['Achievement'],
      achievementType: 'Certification',
      name: 'Safety basics',
    });
    const image = await call(ctx, 'GET', `/achievements/${world.examId}/image.png`, { sameOrigin: false });
    expect(image.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await image.arrayBuffer());
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const page = await call(ctx, 'GET', `/achievements/${world.examId}`, { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(html).toContain('How to earn it');
    expect(html).toContain('60%');
    expect((await call(ctx, 'GET', '/achievements/nosuchexam', { sameOrigin: false })).status).toBe(404);
  });
});
