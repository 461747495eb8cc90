// The Open Badges 3.0 credential of a certificate, signed as a VC-JWT.

import { SignJWT } from 'jose';
import type { Deps } from '../deps.ts';
import { verifyUrl } from './certificates.ts';
import { signingKey } from './signing-key.ts';
import type { Certificate } from './tables.ts';

/** Open Badges 3.0 OpenBadgeCredential as a VC-JWT (EdDSA); the key is published at /.well-known/jwks.json. */
export async function openBadgeCredential(deps: Deps, c: Certificate): Promise<string> {
  const key = await signingKey(deps);
  const base = deps.config.publicUrl;
  const credential = {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: verifyUrl(deps, c.id),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: base, type: ['Profile'], name: 'Seatkeeper' },
    validFrom: c.issued_at,
    ...(c.expires_at ? { validUntil: c.expires_at } : {}),
    name: c.exam_title,
    credentialSubject: {
      id: `${base}/verify/${c.id}#holder`,
      type: ['AchievementSubject'],
      name: c.holder_name,
      achievement: {
        id: `${base}/exams/${c.exam_id}`,
        type: ['Achievement'],
        name: c.exam_title,
        description: `Passed the exam "${c.exam_title}".`,
        criteria: { narrative: 'Pass the proctored online exam at or above its pass mark.' },
      },
    },
  };
  let jwt = new SignJWT({ vc: credential, ...credential })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'vc+jwt' })
    .setIssuer(base)
    .setSubject(credential.credentialSubject.id)
    .setJti(credential.id)
    .setIssuedAt(Math.floor(Date.parse(c.issued_at) / 1000))
    .setNotBefore(Math.floor(Date.parse(c.issued_at) / 1000));
  if (c.expires_at) jwt = jwt.setExpirationTime(Math.floor(Date.parse(c.expires_at) / 1000));
  return jwt.sign(key.privateKey);
}
