// What verifiers, wallets and other sites fetch without an account, from any origin: the signing keys (the JWKS and
// each key at its own URL, the credentials' `kid`), the revocation status lists, the issuer's Profile and logo, each
// exam's Achievement and badge image. JSON for programs; the issuer and the achievements also answer browsers with a
// page (issuer-pages.tsx).
import { type Context, Hono } from 'hono';
import type { Deps } from '../deps.ts';
import type { AppEnv } from '../http/env.ts';
import { i18nOf } from '../i18n/request.ts';
import { achievement, achievementFacts } from './achievement.ts';
import { badgePng } from './badge.ts';
import { issuerProfile } from './issuer.ts';
import { achievementPage, issuerPage } from './issuer-pages.tsx';
import { organisation } from './organisation.ts';
import { jwks, publishedKey } from './signing-key.ts';
import { listCount, signedStatusList } from './status-list.ts';

/** Lets any site's scripts read this response (CORS, and a resource policy that does not block it). */
export function allowOtherSites(c: Context<AppEnv>): void {
  c.header('access-control-allow-origin', '*');
  c.header('cross-origin-resource-policy', 'cross-origin');
}

/** Browsers (Accept names text/html) get a page, unless they ask for ?format=json; programs get JSON. */
const wantsPage = (c: Context<AppEnv>) =>
  c.req.query('format') !== 'json' && (c.req.header('accept') ?? '').includes('text/html');

const JSON_LD = 'application/json; charset=utf-8';

export const publicCredentialResources = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/.well-known/jwks.json', async (c) => {
      allowOtherSites(c);
      c.header('cache-control', 'public, max-age=300');
      return c.body(JSON.stringify(await jwks(deps)), 200, { 'content-type': 'application/jwk-set+json' });
    })
    .get('/credentials/keys/:thumbprint', async (c) => {
      allowOtherSites(c);
      const key = await publishedKey(deps, c.req.param('thumbprint'));
      if (!key) return c.json({ error: { code: 'not_found', message: 'No key has this thumbprint.' } }, 404);
      c.header('cache-control', 'public, max-age=86400');
      c.header('content-type', 'application/jwk+json');
      return c.body(JSON.stringify(key.publicJwk), 200);
    })
    .get('/credentials/status/:list', async (c) => {
      allowOtherSites(c);
      const list = Number(c.req.param('list'));
      if (!Number.isInteger(list) || list < 1 || list > (await listCount(deps)))
        return c.json({ error: { code: 'not_found', message: 'No status list has this number.' } }, 404);
      // Short-lived: a revocation shows in the list at once, and in caches within a minute.
      c.header('cache-control', 'public, max-age=60');
      return c.body(await signedStatusList(deps, list), 200, { 'content-type': 'application/vc+jwt' });
    })
    .get('/issuer', async (c) => {
      allowOtherSites(c);
      c.header('vary', 'Accept, Accept-Language, Cookie');
      const issuer = await organisation(deps);
      if (wantsPage(c)) return issuerPage(c, deps, issuer);
      c.header('cache-control', 'public, max-age=300');
      return c.body(
        JSON.stringify({
          '@context': [
            'https://www.w3.org/ns/credentials/v2',
            'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
          ],
          ...issuerProfile(deps, issuer),
        }),
        200,
        { 'content-type': JSON_LD },
      );
    })
    .get('/issuer/logo', async (c) => {
      allowOtherSites(c);
      const { logo } = await organisation(deps);
      if (!logo) return c.json({ error: { code: 'not_found', message: 'The organisation has no logo.' } }, 404);
      c.header('cache-control', 'public, max-age=300');
      return c.body(logo.bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': logo.type });
    })
    .get('/achievements/:examId/image.png', async (c) => {
      allowOtherSites(c);
      const exam = await achievementFacts(deps, c.req.param('examId'));
      if (!exam) return c.json({ error: { code: 'not_found', message: 'No certification has this id.' } }, 404);
      c.header('cache-control', 'public, max-age=300');
      c.header('vary', 'Accept-Language, Cookie');
      return c.body((await badgePng(deps, exam.title, await i18nOf(c))) as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'image/png',
      });
    })
    .get('/achievements/:examId', async (c) => {
      allowOtherSites(c);
      c.header('vary', 'Accept, Accept-Language, Cookie');
      const exam = await achievementFacts(deps, c.req.param('examId'));
      if (!exam) return c.json({ error: { code: 'not_found', message: 'No certification has this id.' } }, 404);
      const issuer = await organisation(deps);
      if (wantsPage(c)) return achievementPage(c, deps, exam, issuer);
      c.header('cache-control', 'public, max-age=300');
      return c.body(
        JSON.stringify({
          '@context': [
            'https://www.w3.org/ns/credentials/v2',
            'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
          ],
          ...achievement(deps, exam, issuer),
        }),
        200,
        { 'content-type': JSON_LD },
      );
    });
