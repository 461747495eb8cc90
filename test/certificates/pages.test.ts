import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { passedCertificate } from '../support/certificates.ts';
import { expectKeptField, followRedirect } from '../support/flash.ts';
import {
  call,
  createAccount,
  makeApp,
  ORIGIN,
  PUBLIC_URL,
  sessionCookieFor,
  type TestContext,
} from '../support/server.ts';

const page = async (ctx: TestContext, path: string, headers: Record<string, string> = {}, cookie?: string) => {
  const response = await call(ctx, 'GET', path, { headers, ...(cookie ? { cookie } : {}) });
  return { status: response.status, html: await response.text() };
};

describe('verification page', () => {
  it('shows valid, expired and revoked differently at a glance, with the issuer, the badge and the criteria', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx, { validityMonths: 1 });
    await call(ctx, 'PUT', '/api/v1/organisation', {
      cookie: world.adminCookie,
      json: { name: 'Example Training Ltd' },
    });

    const valid = await page(ctx, `/verify/${certificateId}`);
    expect(valid.html).toContain('class="card verdict verdict-valid"');
    expect(valid.html).toContain(
      '<span class="verdict-mark" aria-hidden="true">✓</span><h2 id="status" data-status="valid">Valid</h2>',
    );
    expect(valid.html).toContain('This certificate was issued by Example Training Ltd and is valid.');
    expect(valid.html).toContain(`src="${PUBLIC_URL}/achievements/${world.examId}/image.png"`);
    expect(valid.html).toContain('with a score of at least 60%');
    expect(valid.html).toContain('id="credential-check"');
    expect(valid.html).toContain('<script src="/assets/certificates/verify.js" defer>');

    ctx.advance(32 * 24 * 3600);
    const expired = await page(ctx, `/verify/${certificateId}`);
    expect(expired.html).toContain('verdict-expired');
    expect(expired.html).toContain('aria-hidden="true">!</span>');
    expect(expired.html).toContain('is genuine, but it expired on 24 December 2026');

    const adminCookie = await sessionCookieFor(ctx, world.admin);
    await call(ctx, 'POST', `/api/v1/certificates/${certificateId}/revoke`, {
      cookie: adminCookie,
      json: { reason: 'Exam irregularity found on review' },
    });
    const revoked = await page(ctx, `/verify/${certificateId}`);
    expect(revoked.html).toContain('verdict-revoked');
    expect(revoked.html).toContain('✕');
    expect(revoked.html).toContain('Reason: Exam irregularity found on review');
    // Colours differ per state in the stylesheet, so the words and marks are not the only difference.
    const css = await (await call(ctx, 'GET', '/assets/app.css')).text();
    for (const state of ['valid', 'expired', 'revoked']) expect(css).toContain(`.verdict-${state}`);
  });

  it('reads in Japanese for a Japanese browser, dates included', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    await call(ctx, 'PUT', '/api/v1/organisation', { cookie: world.adminCookie, json: { name: '株式会社サンプル' } });
    const { html } = await page(ctx, `/verify/${certificateId}`, { 'accept-language': 'ja-JP,ja;q=0.9' });
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('修了証の検証');
    expect(html).toContain('この修了証は株式会社サンプルが発行した有効なものです。');
    expect(html).toContain('2026年11月24日');
    expect(html).toContain('デジタル証明書を検証する');
    expect(html).not.toContain('This certificate was issued');
  });

  it('serves the in-browser checker as a script from this site (the page allows no other)', async () => {
    const ctx = await makeApp();
    const script = await call(ctx, 'GET', '/assets/certificates/verify.js');
    expect(script.headers.get('content-type')).toContain('text/javascript');
    const text = await script.text();
    expect(text).toContain("'openbadgecredential'");
    expect(text).toContain('DecompressionStream');
  });
});

describe('holder page', () => {
  it('offers the PDF, the baked badge, the credential and a LinkedIn link with the fields filled in', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const { status, html } = await page(ctx, `/certificates/${certificateId}`, {}, world.cookie);
    expect(status).toBe(200);
    for (const download of ['pdf', 'badge.png', 'credential', 'credential.json'])
      expect(html).toContain(`href="/api/v1/certificates/${certificateId}/${download}"`);
    const linkedIn = new URL(
      (/href="(https:\/\/www\.linkedin\.com\/profile\/add\?[^"]+)"/.exec(html)?.[1] ?? '').replaceAll('&amp;', '&'),
    );
    expect(Object.fromEntries(linkedIn.searchParams)).toEqual({
      startTask: 'CERTIFICATION_NAME',
      name: 'Safety basics',
      organizationName: 'seatkeeper.test',
      issueYear: '2026',
      issueMonth: '11',
      expirationYear: '2027',
      expirationMonth: '11',
      certUrl: `${PUBLIC_URL}/verify/${certificateId}`,
      certId: certificateId,
    });
    // Someone else's certificate is "not found".
    const other = await createAccount(ctx, 'candidate');
    expect((await page(ctx, `/certificates/${certificateId}`, {}, await sessionCookieFor(ctx, other))).status).toBe(
      404,
    );
  });

  it('offers nothing to download once the certificate is revoked, and says why', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    await call(ctx, 'POST', `/api/v1/certificates/${certificateId}/revoke`, {
      cookie: world.adminCookie,
      json: { reason: 'Identity could not be confirmed' },
    });
    const { html } = await page(ctx, `/certificates/${certificateId}`, {}, world.cookie);
    expect(html).toContain('can no longer be downloaded. Reason: Identity could not be confirmed');
    expect(html).not.toContain(`/api/v1/certificates/${certificateId}/pdf`);
    for (const download of ['pdf', 'badge.png', 'credential', 'credential.json'])
      expect(
        (await call(ctx, 'GET', `/api/v1/certificates/${certificateId}/${download}`, { cookie: world.cookie })).status,
      ).toBe(409);
  });
});

describe('certificate list messages', () => {
  it('never shows text from the address', async () => {
    const ctx = await makeApp();
    const { world } = await passedCertificate(ctx);
    const injected = await page(
      ctx,
      '/portal/certificates?error=%3Cb%3EYour%20licence%20expired%3C%2Fb%3E&message=Your%20licence%20expired',
      {},
      world.adminCookie,
    );
    expect(injected.html).not.toContain('Your licence expired');
    expect(injected.html).not.toContain('role="alert"');
  });

  it('keeps a reason too short to revoke with, with the message beside it in the reader’s language', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const short = await call(ctx, 'POST', `/portal/certificates/${certificateId}/revoke`, {
      cookie: world.adminCookie,
      headers: { 'accept-language': 'ja' },
      form: { reason: 'ID' },
    });
    expect(short.status).toBe(400);
    const html = await short.text();
    expectKeptField(html, `reason-${certificateId}`, 'ID');
    expect(html).toContain('理由を3〜500文字で入力してください。');
    const still = await ctx.deps.db.selectFrom('certificates').select('revoked_at').executeTakeFirstOrThrow();
    expect(still.revoked_at).toBeNull();
  });
});

describe('organisation page', () => {
  const multipart = (ctx: TestContext, cookie: string, form: FormData) =>
    ctx.app.request(`${PUBLIC_URL}/portal/organisation`, {
      method: 'POST',
      headers: { cookie, origin: ORIGIN },
      body: form,
    });

  it('lets an administrator set the name, web site, contact and logo, and says what to fix', async () => {
    const ctx = await makeApp();
    const { world, certificateId } = await passedCertificate(ctx);
    const form = new FormData();
    form.set('name', 'Example Training Ltd');
    form.set('url', 'https://training.example.com');
    form.set('email', 'certification@example.com');
    const logo = readFileSync(new URL('./fixtures/logo.png', import.meta.url));
    form.set('logo', new File([logo], 'logo.png', { type: 'image/png' }));
    const saved = await multipart(ctx, world.adminCookie, form);
    const shown = await followRedirect(ctx, saved, world.adminCookie);
    expect(shown.location).toBe('/portal/organisation');
    expect(shown.text).toContain('Saved.');
    expect(shown.text).toContain('value="Example Training Ltd"');
    expect(shown.text).toContain('src="/issuer/logo"');
    const verification = await page(ctx, `/verify/${certificateId}`);
    expect(verification.html).toContain('Example Training Ltd');

    const bad = new FormData();
    bad.set('name', 'X');
    bad.set('email', 'not an address');
    const refused = await multipart(ctx, world.adminCookie, bad);
    expect(refused.status).toBe(400);
    const text = await refused.text();
    expect(text).toMatch(/Give the organisation(&#39;|')s name \(2 to 200 characters\)\./);
    expect(text).toContain('Give a contact email address, e.g. certification@example.com.');

    const notAnImage = new FormData();
    notAnImage.set('name', 'Example Training Ltd');
    notAnImage.set(
      'logo',
      new File(['<svg xmlns="http://www.w3.org/2000/svg"/>'], 'logo.svg', { type: 'image/svg+xml' }),
    );
    const svg = await multipart(ctx, world.adminCookie, notAnImage);
    expect(svg.status).toBe(400);
    expect(await svg.text()).toContain('Upload the logo as a PNG or JPEG image.');
  });

  it('schedules a new signing key, and is for administrators only', async () => {
    const ctx = await makeApp();
    const { world } = await passedCertificate(ctx);
    const added = await call(ctx, 'POST', '/portal/organisation/keys', {
      cookie: world.adminCookie,
      form: { activeFrom: '2026-12-01T09:00' },
    });
    expect(added.status).toBe(303);
    const { html } = await page(ctx, '/portal/organisation', {}, world.adminCookie);
    expect((html.match(/<td>RS256<\/td>/g) ?? []).length).toBe(2);
    const past = await call(ctx, 'POST', '/portal/organisation/keys', {
      cookie: world.adminCookie,
      form: { activeFrom: '2020-01-01T00:00' },
    });
    expect(past.status).toBe(400);
    const support = await createAccount(ctx, 'support');
    expect((await page(ctx, '/portal/organisation', {}, await sessionCookieFor(ctx, support))).status).toBe(403);
    expect((await page(ctx, '/portal/organisation', {}, world.cookie)).status).toBe(403);
  });
});
