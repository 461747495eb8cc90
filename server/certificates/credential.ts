// The Open Badges 3.0 credential of a certificate (an OpenBadgeCredential, VC Data Model 2.0), and its VC-JWT: the
// credential is the JWT payload itself (VC-JOSE-COSE), with the registered claims Open Badges 3.0 requires (iss, jti,
// sub, nbf, exp) and a JOSE header of only alg, kid (the key's URL) and typ "JWT", as its section 8.2 allows.
import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Deps } from '../deps.ts';
import { achievement, achievementFacts, badgeImageUrl } from './achievement.ts';
import { verifyUrl } from './certificates.ts';
import { issuerId, issuerProfile } from './issuer.ts';
import { cleanDisplayText } from './names.ts';
import { organisation } from './organisation.ts';
import { signingKey } from './signing-key.ts';
import { credentialStatusEntry, statusIndexOf } from './status-list.ts';
import type { Certificate } from './tables.ts';

export const OB_CONTEXT = [
  'https://www.w3.org/ns/credentials/v2',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
] as const;

/**
 * The holder's email as an IdentityObject: `sha256$` of the lower-cased address followed by the salt, so a verifier
 * can check a badge against the address presented to them, and nobody can read the address from the badge.
 */
export function hashedEmail(email: string, salt: string) {
  const hash = createHash('sha256').update(`${email.trim().toLowerCase()}${salt}`, 'utf8').digest('hex');
  return { type: 'IdentityObject', identityHash: `sha256$${hash}`, identityType: 'emailAddress', hashed: true, salt };
}

export type OpenBadgeCredential = Awaited<ReturnType<typeof openBadgeCredential>>;

/** The credential as JSON, exactly what the JWT carries. */
export async function openBadgeCredential(deps: Deps, c: Certificate) {
  const [issuer, exam, holder, statusIndex] = await Promise.all([
    organisation(deps),
    achievementFacts(deps, c.exam_id),
    deps.db.selectFrom('accounts').select('email').where('id', '=', c.account_id).executeTakeFirstOrThrow(),
    statusIndexOf(deps, c),
  ]);
  if (!exam) throw new Error(`certificate ${c.id} names exam ${c.exam_id}, which does not exist`);
  const id = verifyUrl(deps, c.id);
  const title = cleanDisplayText(c.exam_title);
  return {
    '@context': [...OB_CONTEXT],
    id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: title,
    description: `${cleanDisplayText(c.holder_name)} holds the certification "${title}".`,
    image: { id: badgeImageUrl(deps, c.exam_id), type: 'Image', caption: title },
    issuer: issuerProfile(deps, issuer),
    validFrom: c.issued_at,
    ...(c.expires_at ? { validUntil: c.expires_at } : {}),
    credentialSubject: {
      id: `${id}#holder`,
      type: ['AchievementSubject'],
      name: cleanDisplayText(c.holder_name),
      identifier: [hashedEmail(holder.email, c.id)],
      achievement: achievement(deps, exam, issuer, title),
    },
    credentialStatus: credentialStatusEntry(deps, statusIndex),
  };
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The credential as a compact JWS, signed with the key active now (after a rotation, the new one). */
export async function signedCredential(deps: Deps, c: Certificate): Promise<string> {
  const credential = await openBadgeCredential(deps, c);
  const key = await signingKey(deps);
  let jwt = new SignJWT(credential)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(issuerId(deps))
    .setJti(credential.id)
    .setSubject(credential.credentialSubject.id)
    .setNotBefore(seconds(c.issued_at));
  if (c.expires_at) jwt = jwt.setExpirationTime(seconds(c.expires_at));
  return jwt.sign(key.privateKey);
}
