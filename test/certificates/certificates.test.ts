import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { SIGNING_KEY_FILE } from '../../server/certificates/signing-key.ts';
import { passedCertificate } from '../support/certificates.ts';
import { followRedirect } from '../support/flash.ts';
import { anotherInstance, call, makeApp, tempDir } from '../support/server.ts';
import { TEST_DIALECT } from '../support/test-database.ts';

describe('certificates', () => {
  it('issue one certificate per passing attempt with holder, exam, date and expiry', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const response = await call(ctx, 'GET', `/api/v1/certificates/${certificateId}`, { cookie: world.cookie });
    const { certificate } = (await response.json()) as { certificate: Record<string, unknown> };
    expect(certificate).toMatchObject({
      holderName: 'Candidate Person',
      examTitle: 'Safety basics',
      issuedAt: '2026-11-24T12:00:00.000Z',
      expiresAt: '2027-11-24T12:00:00.000Z',
      status: 'valid',
      verifyUrl: `http://seatkeeper.test/verify/${certificateId}`,
    });
  });

  it('PDF starts with %PDF and is byte-identical every time', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const first = await call(ctx, 'GET', `/api/v1/certificates/${certificateId}/pdf`, { cookie: world.cookie });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/pdf');
    const a = Buffer.from(await first.arrayBuffer());
    expect(a.subarray(0, 5).toString()).toBe('%PDF-');
    ctx.advance(3600);
    const b = Buffer.from(
      await (
        await call(ctx, 'GET', `/api/v1/certificates/${certificateId}/pdf`, { cookie: world.cookie })
      ).arrayBuffer(),
    );
    expect(b.equals(a)).toBe(true);
    const c = Buffer.from(
      await (
        await call(ctx, 'GET', `/api/v1/certificates/${certificateId}/pdf`, { cookie: world.adminCookie })
      ).arrayBuffer(),
    );
    expect(c.equals(a)).toBe(true);
  });

  it('Open Badges credential verifies against the JWKS; a tampered one fails; the key ring file is 0600', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const response = await call(ctx, 'GET', `/api/v1/certificates/${certificateId}/credential`, {
      cookie: world.cookie,
    });
    expect(response.headers.get('content-type')).toBe('application/vc+jwt');
    const jwt = await response.text();
    const jwksResponse = await call(ctx, 'GET', '/.well-known/jwks.json');
    expect(jwksResponse.status).toBe(200);
    const jwks = (await jwksResponse.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    for (const key of jwks.keys)
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(secret);
    const keySet = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
    const { payload, protectedHeader } = await jwtVerify(jwt, keySet, {
      issuer: 'http://seatkeeper.test/issuer',
      currentDate: ctx.now(),
    });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: jwks.keys[0]?.kid, typ: 'JWT' });
    // The credential is the payload itself (VC-JOSE-COSE): no VC Data Model 1.1 `vc` claim beside it.
    expect(payload).not.toHaveProperty('vc');
    const credential = payload as unknown as {
      type: string[];
      credentialSubject: { name: string; achievement: { name: string } };
    };
    expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(credential.credentialSubject).toMatchObject({
      name: 'Candidate Person',
      achievement: { name: 'Safety basics' },
    });
    expect(payload.jti).toBe(`http://seatkeeper.test/verify/${certificateId}`);

    const [header, body, signature] = jwt.split('.') as [string, string, string];
    const claims = decodeJwt(jwt) as { credentialSubject: { name: string } };
    claims.credentialSubject.name = 'Mallory';
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect(forged).not.toBe(`${header}.${body}.${signature}`);
    await expect(jwtVerify(forged, keySet, { currentDate: ctx.now() })).rejects.toThrow();

    if (TEST_DIALECT === 'sqlite') {
      expect(statSync(join(ctx.dataDir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
    } else {
      // Several instances, maybe on several machines: the key lives in the database, not in a DATA_DIR.
      expect(existsSync(join(ctx.dataDir, SIGNING_KEY_FILE))).toBe(false);
    }
  });

  it('every instance sharing the database signs with one key and publishes it', async () => {
    const ctx = await makeApp();
    const { certificateId, world } = await passedCertificate(ctx);
    // SQLite: another process on the same DATA_DIR. PostgreSQL: another machine, with a DATA_DIR of its own.
    const other = await anotherInstance(ctx, TEST_DIALECT === 'postgres' ? { dataDir: await tempDir() } : {});
    const jwks = await (await call(other, 'GET', '/.well-known/jwks.json')).json();
    expect(jwks).toEqual(await (await call(ctx, 'GET', '/.well-known/jwks.json')).json());
    const response = await call(other, 'GET', `/api/v1/certificates/${certificateId}/credential`, {
      cookie: world.cookie,
    });
    const jwt = await response.text();
    const keySet = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
    await expect(jwtVerify(jwt, keySet, { currentDate: ctx.now() })).resolves.toBeTruthy();
  });

  it('public verification: no sign-in, no cookie; valid, then revoked with the reason; JSON agrees', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const page = await call(ctx, 'GET', `/verify/${certificateId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toBeNull();
    const text = await page.text();
    expect(text).toContain('data-status="valid"');
    expect(text).toContain('Candidate Person');
    expect(await ctx.deps.db.selectFrom('sessions').selectAll().execute()).toHaveLength(2);

    const revoked = await call(ctx, 'POST', `/api/v1/certificates/${certificateId}/revoke`, {
      cookie: world.adminCookie,
      json: { reason: 'Exam irregularity found on review' },
    });
    expect(revoked.status).toBe(200);
    const after = await call(ctx, 'GET', `/verify/${certificateId}`);
    expect(after.status).toBe(200);
    const afterText = await after.text();
    expect(afterText).toContain('data-status="revoked"');
    expect(afterText).toContain('Exam irregularity found on review');
    const json = await call(ctx, 'GET', `/api/v1/verify/${certificateId}`);
    expect(json.headers.get('set-cookie')).toBeNull();
    expect(((await json.json()) as { certificate: Record<string, unknown> }).certificate).toMatchObject({
      status: 'revoked',
      revokedReason: 'Exam irregularity found on review',
    });
    expect(JSON.stringify(await (await call(ctx, 'GET', `/api/v1/verify/${certificateId}`)).json())).not.toContain(
      world.candidate.email,
    );
    expect((await call(ctx, 'GET', '/verify/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
    const credential = await call(ctx, 'GET', `/api/v1/certificates/${certificateId}/credential`, {
      cookie: world.cookie,
    });
    expect(credential.status).toBe(409);
    const pdf = await call(ctx, 'GET', `/api/v1/certificates/${certificateId}/pdf`, { cookie: world.cookie });
    expect(pdf.status).toBe(409);
    expect(((await pdf.json()) as { error: { code: string } }).error.code).toBe('certificate_revoked');
    // Staff still get it, stamped.
    const staffPdf = await call(ctx, 'GET', `/api/v1/certificates/${certificateId}/pdf`, { cookie: world.adminCookie });
    expect(staffPdf.status).toBe(200);
  });

  it('shows expired after the validity and stays verifiable when the holder is deactivated', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx, { validityMonths: 1 });
    await call(ctx, 'POST', `/api/v1/users/${world.candidate.id}/deactivate`, { cookie: world.adminCookie });
    ctx.advance(32 * 24 * 3600);
    const page = await call(ctx, 'GET', `/verify/${certificateId}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-status="expired"');
  });

  it('is rate limited per IP with the DB-backed throttle', async () => {
    const ctx = await makeApp();
    const { certificateId } = await passedCertificate(ctx);
    let last = 0;
    for (let i = 0; i < 61; i++) last = (await call(ctx, 'GET', `/verify/${certificateId}`)).status;
    expect(last).toBe(429);
  });

  it('re-issue after a name correction revokes the old one and points to the new', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    await call(ctx, 'PATCH', `/api/v1/users/${world.candidate.id}`, {
      cookie: world.adminCookie,
      json: { name: 'Candidate Corrected' },
    });
    const response = await call(ctx, 'POST', `/api/v1/certificates/${certificateId}/reissue`, {
      cookie: world.adminCookie,
      json: {},
    });
    expect(response.status).toBe(201);
    const { certificate } = (await response.json()) as { certificate: { id: string; holderName: string } };
    expect(certificate.holderName).toBe('Candidate Corrected');
    const old = (await (await call(ctx, 'GET', `/api/v1/verify/${certificateId}`)).json()) as {
      certificate: { status: string; replacedBy: string };
    };
    expect(old.certificate).toMatchObject({ status: 'revoked', replacedBy: certificate.id });
    const search = (await (
      await call(ctx, 'GET', '/api/v1/certificates?q=Corrected', { cookie: world.adminCookie })
    ).json()) as { items: { id: string }[] };
    expect(search.items.map((i) => i.id)).toEqual([certificate.id]);
    const history = (await (await call(ctx, 'GET', '/api/v1/me/history', { cookie: world.cookie })).json()) as {
      certificates: unknown[];
    };
    expect(history.certificates).toHaveLength(2);
  });

  it('a candidate cannot revoke or list certificates', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    expect((await call(ctx, 'GET', '/api/v1/certificates', { cookie: world.cookie })).status).toBe(403);
    expect(
      (
        await call(ctx, 'POST', `/api/v1/certificates/${certificateId}/revoke`, {
          cookie: world.cookie,
          json: { reason: 'self' },
        })
      ).status,
    ).toBe(403);
  });
});

describe('certificate admin pages', () => {
  it('search, revoke with a reason by form, and the holder sees it in their history', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const list = await (
      await call(ctx, 'GET', '/portal/certificates?q=Candidate', { cookie: world.adminCookie })
    ).text();
    expect(list).toContain('Candidate Person');
    const revoked = await call(ctx, 'POST', `/portal/certificates/${certificateId}/revoke`, {
      cookie: world.adminCookie,
      form: { reason: 'Identity could not be confirmed' },
    });
    // A second step says whose certificate it is and what verifying it says from now on; nothing is revoked yet.
    expect(revoked.status).toBe(200);
    const question = await revoked.text();
    expect(question).toContain('Revoke this certificate?');
    expect(question).toContain('The certificate of Candidate Person');
    expect(question).toContain('name="reason" value="Identity could not be confirmed"');
    expect(await (await call(ctx, 'GET', '/history', { cookie: world.cookie })).text()).not.toContain('Revoked:');
    const confirmed = await call(ctx, 'POST', `/portal/certificates/${certificateId}/revoke`, {
      cookie: world.adminCookie,
      form: { reason: 'Identity could not be confirmed', confirmed: '1' },
    });
    const listed = await followRedirect(ctx, confirmed, world.adminCookie);
    expect(listed.location).toBe('/portal/certificates');
    expect(listed.text).toContain('The certificate was revoked.');
    const history = await (await call(ctx, 'GET', '/history', { cookie: world.cookie })).text();
    expect(history).toContain('Revoked: Identity could not be confirmed');
    const support = await (await import('../support/server.ts')).createAccount(ctx, 'support');
    const supportCookie = await (await import('../support/server.ts')).sessionCookieFor(ctx, support);
    const refused = await call(ctx, 'POST', `/portal/certificates/${certificateId}/reissue`, {
      cookie: supportCookie,
      form: {},
    });
    expect(refused.status).toBe(403);
  });
});
