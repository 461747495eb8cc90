// /api/v1/certificates (holders and staff), /api/v1/verify (anyone), and the key verifiers check credentials with.
import { Hono } from 'hono';
import { z } from 'zod';
import { hitThrottle, type ThrottleRule } from '../auth/throttle.ts';
import type { Deps } from '../deps.ts';
import { principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError, notFound, tooManyRequests } from '../http/errors.ts';
import { apiRoute, createApi, jsonAnswer, jsonBody } from '../http/routes.ts';
import { idParam } from '../http/schemas.ts';
import {
  certificateFor,
  findCertificate,
  listCertificates,
  reissueCertificate,
  revokeCertificate,
  toCertificateView,
  toPublicView,
} from './certificates.ts';
import { openBadgeCredential } from './credential.ts';
import { certificatePdf } from './pdf.ts';
import { jwks } from './signing-key.ts';

/** Public verification lookups per client IP (DB-backed, shared by instances). */
export const VERIFY_RULE: ThrottleRule = { name: 'certificate-verify:ip', limit: 60, windowSeconds: 60 };

export async function throttleVerification(deps: Deps, ip: string): Promise<void> {
  const state = await hitThrottle(deps.db, VERIFY_RULE, ip, deps.clock());
  if (state.limited) throw tooManyRequests(state.retryAfterSeconds);
}

export const revokeBody = z.strictObject({ reason: z.string().trim().min(3, 'Give a reason.').max(500) });
export const reissueBody = z.strictObject({ holderName: z.string().trim().min(1).max(200).optional() });
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
  summary: 'The certificate as PDF with a QR code to its verification page (same bytes every time)',
  request: { params: idParam },
  responses: {
    200: {
      description: 'The PDF.',
      content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
    },
  },
  errors: [404],
});

export const certificateCredentialRoute = apiRoute({
  operationId: 'certificateCredential',
  method: 'get',
  path: '/certificates/{id}/credential',
  tag,
  access: 'signedIn',
  summary: 'Open Badges 3.0 credential as a VC-JWT (EdDSA), key at /.well-known/jwks.json',
  request: { params: idParam },
  responses: {
    200: { description: 'The signed credential.', content: { 'application/vc+jwt': { schema: { type: 'string' } } } },
  },
  errors: [404, 409],
});

export const revokeCertificateRoute = apiRoute({
  operationId: 'revokeCertificate',
  method: 'post',
  path: '/certificates/{id}/revoke',
  tag,
  access: 'admin',
  summary: 'Revoke with a reason (shown on the public verification page)',
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
  summary: 'Public status of a certificate: valid, expired or revoked (rate-limited, no account needed)',
  request: { params: idParam },
  responses: { 200: jsonAnswer(z.object({ certificate: publicCertificateView }), 'The status.') },
  errors: [404, 429],
});

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
      const certificate = await certificateFor(deps, principalOf(c).account, c.req.valid('param').id);
      const bytes = await certificatePdf(deps, certificate);
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="certificate-${certificate.id}.pdf"`,
      });
    })
    .openapi(certificateCredentialRoute, async (c) => {
      const certificate = await certificateFor(deps, principalOf(c).account, c.req.valid('param').id);
      // A signed credential carries no revocation list yet, so a revoked certificate is not handed out as one.
      if (certificate.revoked_at)
        throw new ApiError(
          409,
          'certificate_revoked',
          `This certificate was revoked: ${certificate.revoked_reason ?? ''}`,
        );
      return c.body(await openBadgeCredential(deps, certificate), 200, {
        'content-type': 'application/vc+jwt',
        'content-disposition': `attachment; filename="certificate-${certificate.id}.jwt"`,
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
      await throttleVerification(deps, c.get('clientIp'));
      const certificate = await findCertificate(deps, c.req.valid('param').id);
      if (!certificate) throw notFound('The certificate');
      return c.json({ certificate: toPublicView(deps, certificate) }, 200);
    });

/** Served at /.well-known/jwks.json: the public key verifiers use for the Open Badges credentials. */
export const jwksApp = (deps: Deps) =>
  new Hono<AppEnv>().get('/', async (c) => {
    c.header('cache-control', 'public, max-age=3600');
    return c.json(await jwks(deps), 200);
  });
