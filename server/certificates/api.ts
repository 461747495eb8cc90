// /api/v1/certificates (holders and staff), /api/v1/verify (anyone, any site), the organisation that issues them and
// the keys credentials are signed with.
import type { Context } from 'hono';
import { z } from 'zod';
import { hitThrottle, type ThrottleRule } from '../auth/throttle.ts';
import type { Deps } from '../deps.ts';
import { principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError, notFound, tooManyRequests } from '../http/errors.ts';
import { apiRoute, createApi, jsonAnswer, jsonBody } from '../http/routes.ts';
import { idParam } from '../http/schemas.ts';
import { i18nOf } from '../i18n/request.ts';
import { badgePng } from './badge.ts';
import { bakeCredential } from './baking.ts';
import { certificatePdf } from './certificate-pdf.ts';
import {
  certificateFor,
  findCertificate,
  listCertificates,
  reissueCertificate,
  revokeCertificate,
  toCertificateView,
  toPublicView,
} from './certificates.ts';
import { openBadgeCredential, signedCredential } from './credential.ts';
import { cleanDisplayText } from './names.ts';
import { organisation, organisationBody, saveOrganisation } from './organisation.ts';
import { allowOtherSites } from './public-resources.ts';
import { scheduleKeyRotation, signingKey, signingKeys } from './signing-key.ts';
import type { Certificate } from './tables.ts';

/** Public verification lookups per client IP (DB-backed, shared by instances). */
export const VERIFY_RULE: ThrottleRule = { name: 'certificate-verify:ip', limit: 60, windowSeconds: 60 };

export async function throttleVerification(deps: Deps, ip: string): Promise<void> {
  const state = await hitThrottle(deps.db, VERIFY_RULE, ip, deps.clock());
  if (state.limited) throw tooManyRequests(state.retryAfterSeconds);
}

export const revokeBody = z.strictObject({ reason: z.string().trim().min(3, 'Give a reason.').max(500) });
export const reissueBody = z.strictObject({
  holderName: z
    .string()
    .transform(cleanDisplayText)
    .pipe(z.string().min(1, 'Give the name to print (visible characters).').max(200))
    .optional(),
});
export const certificateQuery = z.object({
  q: z.string().trim().max(200).optional().describe('Part of the holder name, the exam title or the certificate id.'),
  examId: z.string().max(32).optional(),
});

const status = z.enum(['valid', 'expired', 'revoked']);

export const certificateView = z
  .object({
    id: z.string(),
    holderName: z.string(),
    examTitle: z.string(),
    examId: z.string(),
    scorePercent: z.number(),
    issuedAt: z.string(),
    expiresAt: z.string().nullable(),
    status,
    revokedAt: z.string().nullable(),
    revokedReason: z.string().nullable(),
    replacedBy: z.string().nullable(),
    verifyUrl: z.string(),
  })
  .meta({ id: 'Certificate' });
const certificateResponse = z.object({ certificate: certificateView });

export const publicCertificateView = z
  .object({
    id: z.string(),
    holderName: z.string(),
    examTitle: z.string(),
    issuedAt: z.string(),
    expiresAt: z.string().nullable(),
    status,
    revokedAt: z.string().nullable(),
    revokedReason: z.string().nullable(),
    replacedBy: z.string().nullable(),
  })
  .meta({ id: 'PublicCertificate' });

const organisationView = z
  .object({
    name: z.string(),
    url: z.string().nullable(),
    email: z.string().nullable(),
    hasLogo: z.boolean(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'Organisation' });

const organisationInput = organisationBody.extend({
  logoBase64: z
    .string()
    .max(300_000)
    .nullable()
    .optional()
    .describe('The logo, PNG or JPEG, base64 (null removes it; absent keeps it).'),
});

const credentialKeyView = z
  .object({
    kid: z.string().describe('The key URL: it answers with the public JWK.'),
    alg: z.enum(['RS256', 'EdDSA']),
    activeFrom: z.string().describe('From this instant the key signs new credentials (until the next key).'),
    current: z.boolean(),
  })
  .meta({ id: 'CredentialKey' });

const tag = 'Certificates';

export const listCertificatesRoute = apiRoute({
  operationId: 'listCertificates',
  method: 'get',
  path: '/certificates',
  tag,
  access: 'staffRead',
  summary: 'Search certificates (`q`: name, exam or id)',
  request: { query: certificateQuery },
  responses: { 200: jsonAnswer(z.object({ items: z.array(certificateView) }), 'Newest first, at most 500.') },
});

export const getCertificateRoute = apiRoute({
  operationId: 'getCertificate',
  method: 'get',
  path: '/certificates/{id}',
  tag,
  access: 'signedIn',
  summary: 'One of your certificates (staff: any)',
  request: { params: idParam },
  responses: { 200: jsonAnswer(certificateResponse, 'The certificate.') },
  errors: [404],
});

export const certificatePdfRoute = apiRoute({
  operationId: 'certificatePdf',
  method: 'get',
  path: '/certificates/{id}/pdf',
  tag,
  access: 'signedIn',
  summary:
    "The certificate as PDF in the reader's language, with a QR code to its verification page. Revoked: staff only, stamped REVOKED.",
  request: { params: idParam },
  responses: {
    200: {
      description: 'The PDF.',
      content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
    },
  },
  errors: [404, 409],
});

export const certificateCredentialRoute = apiRoute({
  operationId: 'certificateCredential',
  method: 'get',
  path: '/certificates/{id}/credential',
  tag,
  access: 'signedIn',
  summary: 'Open Badges 3.0 credential as a VC-JWT (RS256; the header `kid` is the URL of the public key)',
  request: { params: idParam },
  responses: {
    200: { description: 'The signed credential.', content: { 'application/vc+jwt': { schema: { type: 'string' } } } },
  },
  errors: [404, 409],
});

export const certificateCredentialJsonRoute = apiRoute({
  operationId: 'certificateCredentialJson',
  method: 'get',
  path: '/certificates/{id}/credential.json',
  tag,
  access: 'signedIn',
  summary: 'The Open Badges 3.0 credential as JSON: what the VC-JWT carries, for reading (the JWT is what verifies)',
  request: { params: idParam },
  responses: { 200: jsonAnswer(z.record(z.string(), z.unknown()), 'The OpenBadgeCredential.') },
  errors: [404, 409],
});

export const certificateBadgeRoute = apiRoute({
  operationId: 'certificateBadge',
  method: 'get',
  path: '/certificates/{id}/badge.png',
  tag,
  access: 'signedIn',
  summary: 'The badge image with the signed credential baked in (PNG iTXt chunk `openbadgecredential`)',
  request: { params: idParam },
  responses: {
    200: {
      description: 'The baked badge.',
      content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
    },
  },
  errors: [404, 409],
});

export const revokeCertificateRoute = apiRoute({
  operationId: 'revokeCertificate',
  method: 'post',
  path: '/certificates/{id}/revoke',
  tag,
  access: 'admin',
  summary: 'Revoke with a reason (shown on the public verification page; the status list says so at once)',
  request: { params: idParam, body: jsonBody(revokeBody) },
  responses: { 200: jsonAnswer(certificateResponse, 'Revoked.') },
  errors: [404],
});

export const reissueCertificateRoute = apiRoute({
  operationId: 'reissueCertificate',
  method: 'post',
  path: '/certificates/{id}/reissue',
  tag,
  access: 'admin',
  summary: "Re-issue with the holder's current (or the given) name; the old one is revoked and points to the new",
  request: { params: idParam, body: jsonBody(reissueBody) },
  responses: { 201: jsonAnswer(certificateResponse, 'The new certificate.') },
  errors: [404, 409],
});

export const verifyCertificateRoute = apiRoute({
  operationId: 'verifyCertificate',
  method: 'get',
  path: '/verify/{id}',
  tag,
  access: 'public',
  summary:
    'Public status of a certificate: valid, expired or revoked (rate-limited, no account needed, readable from any site)',
  request: { params: idParam },
  responses: { 200: jsonAnswer(z.object({ certificate: publicCertificateView }), 'The status.') },
  errors: [404, 429],
});

export const getOrganisationRoute = apiRoute({
  operationId: 'getOrganisation',
  method: 'get',
  path: '/organisation',
  tag,
  access: 'staffRead',
  summary: 'The organisation that issues certificates and credentials',
  responses: { 200: jsonAnswer(z.object({ organisation: organisationView }), 'The profile.') },
});

export const putOrganisationRoute = apiRoute({
  operationId: 'putOrganisation',
  method: 'put',
  path: '/organisation',
  tag,
  access: 'admin',
  summary: 'Set the issuing organisation: name, web site, contact email, logo',
  request: { body: jsonBody(organisationInput) },
  responses: { 200: jsonAnswer(z.object({ organisation: organisationView }), 'Saved.') },
  bodyLimit: 512 * 1024,
});

export const listCredentialKeysRoute = apiRoute({
  operationId: 'listCredentialKeys',
  method: 'get',
  path: '/credential-keys',
  tag,
  access: 'staffRead',
  summary: 'The keys credentials are signed with, oldest first',
  responses: { 200: jsonAnswer(z.object({ items: z.array(credentialKeyView) }), 'Every key, all still published.') },
});

export const rotateCredentialKeyRoute = apiRoute({
  operationId: 'rotateCredentialKey',
  method: 'post',
  path: '/credential-keys',
  tag,
  access: 'admin',
  summary: 'Add a new RS256 key that signs from `activeFrom` (default: now); earlier keys stay published',
  request: {
    body: jsonBody(z.strictObject({ activeFrom: z.iso.datetime({ offset: true }).optional() })),
  },
  responses: { 201: jsonAnswer(z.object({ key: credentialKeyView }), 'The new key.') },
  errors: [409],
});

/** The certificate a download is for: holders get nothing of a revoked certificate; staff do (the PDF stamped). */
async function downloadable(deps: Deps, c: Context<AppEnv>, id: string): Promise<Certificate> {
  const { account } = principalOf(c);
  const certificate = await certificateFor(deps, account, id);
  if (certificate.revoked_at && account.role === 'candidate')
    throw new ApiError(
      409,
      'certificate_revoked',
      `This certificate was revoked and cannot be downloaded: ${certificate.revoked_reason ?? ''}`,
    );
  return certificate;
}

const attachment = (name: string) => `attachment; filename="${name}"`;

async function organisationJson(deps: Deps) {
  const o = await organisation(deps);
  return { name: o.name, url: o.url, email: o.email, hasLogo: o.logo !== null, updatedAt: o.updatedAt };
}

export const certificatesApi = (deps: Deps) =>
  createApi()
    .openapi(listCertificatesRoute, async (c) => {
      const items = await listCertificates(deps, c.req.valid('query'));
      return c.json({ items: items.map((i) => toCertificateView(deps, i)) }, 200);
    })
    .openapi(getCertificateRoute, async (c) => {
      const certificate = await certificateFor(deps, principalOf(c).account, c.req.valid('param').id);
      return c.json({ certificate: toCertificateView(deps, certificate) }, 200);
    })
    .openapi(certificatePdfRoute, async (c) => {
      const certificate = await downloadable(deps, c, c.req.valid('param').id);
      const bytes = await certificatePdf(deps, certificate, await i18nOf(c));
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/pdf',
        'content-disposition': attachment(`certificate-${certificate.id}.pdf`),
        'cache-control': 'no-store',
        vary: 'Accept-Language, Cookie',
      });
    })
    .openapi(certificateCredentialRoute, async (c) => {
      const certificate = await downloadable(deps, c, c.req.valid('param').id);
      return c.body(await signedCredential(deps, certificate), 200, {
        'content-type': 'application/vc+jwt',
        'content-disposition': attachment(`certificate-${certificate.id}.jwt`),
        'cache-control': 'no-store',
      });
    })
    .openapi(certificateCredentialJsonRoute, async (c) => {
      const certificate = await downloadable(deps, c, c.req.valid('param').id);
      c.header('content-disposition', attachment(`certificate-${certificate.id}.json`));
      c.header('cache-control', 'no-store');
      return c.json(await openBadgeCredential(deps, certificate), 200);
    })
    .openapi(certificateBadgeRoute, async (c) => {
      const certificate = await downloadable(deps, c, c.req.valid('param').id);
      const [image, jwt] = await Promise.all([
        badgePng(deps, certificate.exam_title, await i18nOf(c)),
        signedCredential(deps, certificate),
      ]);
      return c.body(bakeCredential(image, jwt) as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'image/png',
        'content-disposition': attachment(`badge-${certificate.id}.png`),
        'cache-control': 'no-store',
      });
    })
    .openapi(revokeCertificateRoute, async (c) => {
      const certificate = await revokeCertificate(deps, c.req.valid('param').id, c.req.valid('json').reason);
      return c.json({ certificate: toCertificateView(deps, certificate) }, 200);
    })
    .openapi(reissueCertificateRoute, async (c) => {
      const certificate = await reissueCertificate(deps, c.req.valid('param').id, c.req.valid('json').holderName);
      return c.json({ certificate: toCertificateView(deps, certificate) }, 201);
    })
    .openapi(verifyCertificateRoute, async (c) => {
      allowOtherSites(c);
      await throttleVerification(deps, c.get('clientIp'));
      const certificate = await findCertificate(deps, c.req.valid('param').id);
      if (!certificate) throw notFound('The certificate');
      return c.json({ certificate: toPublicView(deps, certificate) }, 200);
    })
    .openapi(getOrganisationRoute, async (c) => c.json({ organisation: await organisationJson(deps) }, 200))
    .openapi(putOrganisationRoute, async (c) => {
      const { logoBase64, ...input } = c.req.valid('json');
      const logo = logoBase64 === undefined || logoBase64 === null ? logoBase64 : Buffer.from(logoBase64, 'base64');
      await saveOrganisation(deps, input, logo === undefined || logo === null ? logo : new Uint8Array(logo));
      return c.json({ organisation: await organisationJson(deps) }, 200);
    })
    .openapi(listCredentialKeysRoute, async (c) => {
      const [keys, current] = await Promise.all([signingKeys(deps, true), signingKey(deps)]);
      return c.json(
        {
          items: keys.map((key) => ({
            kid: key.kid,
            alg: key.alg,
            activeFrom: key.activeFrom,
            current: key.kid === current.kid,
          })),
        },
        200,
      );
    })
    .openapi(rotateCredentialKeyRoute, async (c) => {
      const { activeFrom } = c.req.valid('json');
      const key = await scheduleKeyRotation(deps, activeFrom ? new Date(activeFrom) : deps.clock());
      const current = await signingKey(deps);
      return c.json(
        { key: { kid: key.kid, alg: key.alg, activeFrom: key.activeFrom, current: key.kid === current.kid } },
        201,
      );
    });
