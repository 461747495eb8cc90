import { Hono } from 'hono';
import type { ThrottleRule } from '../auth/throttle.ts';
import { hitThrottle } from '../auth/throttle.ts';
import type { Deps } from '../deps.ts';
import { EXAM_ROUTES as R } from '../exams/routes.ts';
import { guard, principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError, notFound, tooManyRequests } from '../http/errors.ts';
import { validate } from '../http/validation.ts';
import {
  certificateFor,
  certificatePdf,
  findCertificate,
  jwks,
  listCertificates,
  openBadgeCredential,
  reissueCertificate,
  revokeCertificate,
  toCertificateView,
  toPublicView,
} from './service.ts';

/** Public verification lookups per client IP (DB-backed, shared by instances). */
export const VERIFY_RULE: ThrottleRule = { name: 'certificate-verify:ip', limit: 60, windowSeconds: 60 };

export async function throttleVerification(deps: Deps, ip: string): Promise<void> {
  const state = await hitThrottle(deps.db, VERIFY_RULE, ip, deps.clock());
  if (state.limited) throw tooManyRequests(state.retryAfterSeconds);
}

export const certificatesApi = new Hono<AppEnv>()
  .get('/certificates', guard(R.listCertificates.access), validate('query', R.listCertificates.query), async (c) => {
    const deps = c.get('deps');
    const items = await listCertificates(deps, c.req.valid('query'));
    return c.json({ items: items.map((i) => toCertificateView(deps, i)) }, 200);
  })
  .get('/certificates/:id', guard(R.getCertificate.access), async (c) => {
    const deps = c.get('deps');
    const certificate = await certificateFor(deps, principalOf(c).account, c.req.param('id'));
    return c.json({ certificate: toCertificateView(deps, certificate) }, 200);
  })
  .get('/certificates/:id/pdf', guard(R.certificatePdf.access), async (c) => {
    const deps = c.get('deps');
    const certificate = await certificateFor(deps, principalOf(c).account, c.req.param('id'));
    const bytes = await certificatePdf(deps, certificate);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="certificate-${certificate.id}.pdf"`,
    });
  })
  .get('/certificates/:id/credential', guard(R.certificateCredential.access), async (c) => {
    const deps = c.get('deps');
    const certificate = await certificateFor(deps, principalOf(c).account, c.req.param('id'));
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
  .post(
    '/certificates/:id/revoke',
    guard(R.revokeCertificate.access),
    validate('json', R.revokeCertificate.body),
    async (c) => {
      const deps = c.get('deps');
      const certificate = await revokeCertificate(deps, c.req.param('id'), c.req.valid('json').reason);
      return c.json({ certificate: toCertificateView(deps, certificate) }, 200);
    },
  )
  .post(
    '/certificates/:id/reissue',
    guard(R.reissueCertificate.access),
    validate('json', R.reissueCertificate.body),
    async (c) => {
      const deps = c.get('deps');
      const certificate = await reissueCertificate(deps, c.req.param('id'), c.req.valid('json').holderName);
      return c.json({ certificate: toCertificateView(deps, certificate) }, 201);
    },
  )
  .get('/verify/:id', guard(R.verifyCertificate.access), async (c) => {
    const deps = c.get('deps');
    await throttleVerification(deps, c.get('clientIp'));
    const certificate = await findCertificate(deps, c.req.param('id'));
    if (!certificate) throw notFound('The certificate');
    return c.json({ certificate: toPublicView(deps, certificate) }, 200);
  });

/** Served at /.well-known/jwks.json: the public key verifiers use for the Open Badges credentials. */
export const jwksApp = new Hono<AppEnv>().get('/', async (c) => {
  c.header('cache-control', 'public, max-age=3600');
  return c.json(await jwks(c.get('deps')), 200);
});
