import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';

import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { sql } from 'kysely';
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import QRCode from 'qrcode';
import { dialectOf } from '../db/dialect.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { Deps } from '../deps.ts';
import type { Certificate } from '../exams/schema.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { newCertificateId } from './issue.ts';

const require = createRequire(import.meta.url);

// Certificates: status for verifiers, deterministic PDFs with a QR code, Open Badges 3.0 VC-JWTs, revocation.

export type CertificateStatus = 'valid' | 'expired' | 'revoked';

export function certificateStatus(certificate: Certificate, now: Date): CertificateStatus {
  if (certificate.revoked_at) return 'revoked';
  if (certificate.expires_at && certificate.expires_at <= now.toISOString()) return 'expired';
  return 'valid';
}

export const verifyUrl = (deps: Deps, id: string) => `${deps.config.publicUrl}/verify/${id}`;

export interface CertificateView {
  id: string;
  holderName: string;
  examTitle: string;
  examId: string;
  scorePercent: number;
  issuedAt: string;
  expiresAt: string | null;
  status: CertificateStatus;
  revokedAt: string | null;
  revokedReason: string | null;
  replacedBy: string | null;
  verifyUrl: string;
}

export const toCertificateView = (deps: Deps, c: Certificate): CertificateView => ({
  id: c.id,
  holderName: c.holder_name,
  examTitle: c.exam_title,
  examId: c.exam_id,
  scorePercent: c.score_percent,
  issuedAt: c.issued_at,
  expiresAt: c.expires_at,
  status: certificateStatus(c, deps.clock()),
  revokedAt: c.revoked_at,
  revokedReason: c.revoked_reason,
  replacedBy: c.replaced_by,
  verifyUrl: verifyUrl(deps, c.id),
});

/** Public verification view: no account id, no email, no score. */
export const toPublicView = (deps: Deps, c: Certificate) => {
  const { id, holderName, examTitle, issuedAt, expiresAt, status, revokedAt, revokedReason, replacedBy } =
    toCertificateView(deps, c);
  return { id, holderName, examTitle, issuedAt, expiresAt, status, revokedAt, revokedReason, replacedBy };
};

export async function findCertificate(deps: Deps, id: string): Promise<Certificate | undefined> {
  if (!/^[a-z2-7]{16,40}$/.test(id)) return undefined;
  return deps.db.selectFrom('certificates').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Owners see their own; staff see all; any other id is "not found" (no hint that it exists). */
export async function certificateFor(deps: Deps, viewer: { id: string; role: string }, id: string) {
  const certificate = await findCertificate(deps, id);
  if (!certificate || (viewer.role === 'candidate' && certificate.account_id !== viewer.id))
    throw notFound('The certificate');
  return certificate;
}

export async function listCertificates(deps: Deps, query: { q?: string | undefined; examId?: string | undefined }) {
  let select = deps.db.selectFrom('certificates').selectAll().orderBy('issued_at', 'desc').limit(500);
  if (query.examId) select = select.where('exam_id', '=', query.examId);
  if (query.q) {
    // Case-insensitive on both dialects (SQLite's LIKE ignores ASCII case, PostgreSQL's does not); '\\' escapes.
    const like = `%${query.q.toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
    const matches = (column: 'holder_name' | 'exam_title') =>
      sql<boolean>`lower(${sql.ref(column)}) like ${like} escape '\\'`;
    select = select.where((eb) => eb.or([matches('holder_name'), matches('exam_title'), eb('id', '=', query.q ?? '')]));
  }
  return select.execute();
}

export async function revokeCertificate(deps: Deps, id: string, reason: string): Promise<Certificate> {
  const certificate = await findCertificate(deps, id);
  if (!certificate) throw notFound('The certificate');
  if (!certificate.revoked_at)
    await deps.db
      .updateTable('certificates')
      .set({ revoked_at: deps.clock().toISOString(), revoked_reason: reason })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  return (await findCertificate(deps, id)) as Certificate;
}

/** After a name correction: the old certificate is revoked (pointing at the new one), a new one carries the name. */
export async function reissueCertificate(deps: Deps, id: string, holderName?: string): Promise<Certificate> {
  return writeTransaction(deps.db, async (trx) => {
    const old = await trx.selectFrom('certificates').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!old) throw notFound('The certificate');
    if (old.revoked_at) throw new ApiError(409, 'certificate_revoked', 'A revoked certificate cannot be re-issued.');
    const account = await trx.selectFrom('accounts').select('name').where('id', '=', old.account_id).executeTakeFirst();
    const now = deps.clock().toISOString();
    const replacement: Certificate = {
      ...old,
      id: newCertificateId(),
      holder_name: holderName ?? account?.name ?? old.holder_name,
      revoked_at: null,
      revoked_reason: null,
      replaced_by: null,
    };
    await trx.insertInto('certificates').values(replacement).execute();
    await trx
      .updateTable('certificates')
      .set({ revoked_at: now, revoked_reason: 'Re-issued with a corrected name.', replaced_by: replacement.id })
      .where('id', '=', id)
      .execute();
    return replacement;
  });
}

const dateOnly = (iso: string) => iso.slice(0, 10);

// Helvetica (built into every PDF reader, nothing embedded) covers WinAnsi: Western European names, accents included.
// Any other script (Polish, Czech, Turkish, Greek, Cyrillic, Vietnamese...) gets DejaVu Sans, embedded as a subset of
// the glyphs used. DejaVu has no CJK glyphs: those characters, and any other it lacks, print as "?" rather than as an
// empty box, and the verification page still shows the name exactly.
const dejavuFile = (name: string) => require.resolve(`dejavu-fonts-ttf/ttf/${name}`);
// Parsed again for every document (about 0.1 s): a parsed font shared between documents keeps, per glyph, the
// character it was first drawn for, so a later document's text map could name the wrong character (Greek capital Nu
// and Latin N share a glyph). Certificates with such names are rare; correctness first.
let dejavu: { regular: Uint8Array; bold: Uint8Array; covers: (codePoint: number) => boolean } | undefined;
function unicodeFonts() {
  if (!dejavu) {
    const regular = readFileSync(dejavuFile('DejaVuSans.ttf'));
    const bold = readFileSync(dejavuFile('DejaVuSans-Bold.ttf'));
    const regularFont = fontkit.create(regular);
    const boldFont = fontkit.create(bold);
    dejavu = {
      regular,
      bold,
      covers: (cp) => regularFont.hasGlyphForCodePoint(cp) && boldFont.hasGlyphForCodePoint(cp),
    };
  }
  return dejavu;
}

let helveticaChars: Promise<Set<number>> | undefined;
/** The code points Helvetica and Helvetica-Bold encode (WinAnsi), read once from a throwaway document. */
function helveticaCharacters(): Promise<Set<number>> {
  helveticaChars ??= (async () => {
    const probe = await PDFDocument.create();
    const fonts = await Promise.all([
      probe.embedFont(StandardFonts.Helvetica),
      probe.embedFont(StandardFonts.HelveticaBold),
    ]);
    const [regular, bold] = fonts.map((font) => new Set(font.getCharacterSet()));
    return new Set([...(regular as Set<number>)].filter((cp) => bold?.has(cp)));
  })();
  return helveticaChars;
}

/** Same certificate, same bytes: metadata dates are the issue date, no random document id, no producer stamp. */
export async function certificatePdf(deps: Deps, c: Certificate): Promise<Uint8Array> {
  const issued = new Date(c.issued_at);
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.setTitle(`Certificate ${c.id}`);
  pdf.setAuthor('Seatkeeper');
  pdf.setCreator('Seatkeeper');
  pdf.setProducer('Seatkeeper');
  pdf.setCreationDate(issued);
  pdf.setModificationDate(issued);
  const page = pdf.addPage([842, 595]);
  const winAnsi = await helveticaCharacters();
  const texts = [c.holder_name, c.exam_title, verifyUrl(deps, c.id)];
  const needsUnicode = texts.some((text) =>
    [...text.normalize('NFC')].some((ch) => !winAnsi.has(ch.codePointAt(0) as number)),
  );
  const fonts = needsUnicode ? unicodeFonts() : undefined;
  if (fonts) pdf.registerFontkit(fontkit);
  const regular = await (fonts
    ? pdf.embedFont(fonts.regular, { subset: true })
    : pdf.embedFont(StandardFonts.Helvetica));
  const bold = await (fonts ? pdf.embedFont(fonts.bold, { subset: true }) : pdf.embedFont(StandardFonts.HelveticaBold));
  const covers = fonts ? fonts.covers : (codePoint: number) => winAnsi.has(codePoint);
  const printable = (text: string) =>
    [...text.normalize('NFC')].map((ch) => (covers(ch.codePointAt(0) as number) ? ch : '?')).join('');
  const ink = rgb(0.1, 0.12, 0.2);
  page.drawRectangle({ x: 24, y: 24, width: 794, height: 547, borderColor: ink, borderWidth: 2 });
  const center = (text: string, y: number, size: number, font = regular) => {
    const safe = printable(text);
    page.drawText(safe, { x: (842 - font.widthOfTextAtSize(safe, size)) / 2, y, size, font, color: ink });
  };
  center('Certificate of achievement', 470, 32, bold);
  center('This certifies that', 420, 14);
  center(c.holder_name, 380, 28, bold);
  center('has passed the exam', 340, 14);
  center(c.exam_title, 305, 22, bold);
  center(`Issued ${dateOnly(c.issued_at)}${c.expires_at ? ` · valid until ${dateOnly(c.expires_at)}` : ''}`, 265, 12);
  const url = verifyUrl(deps, c.id);
  center(`Verify at ${url}`, 60, 9);
  center(`Certificate id ${c.id}`, 46, 9);
  // The QR code as one vector path (a run of dark modules per row segment): small, sharp and fast to write.
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  let path = '';
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (!qr.modules.get(row, col)) continue;
      let end = col;
      while (end + 1 < size && qr.modules.get(row, end + 1)) end++;
      path += `M${col} ${row}h${end - col + 1}v1h${col - end - 1}z`;
      col = end;
    }
  }
  const box = 110;
  page.drawSvgPath(path, { x: 842 - 60 - box, y: 90 + box, scale: box / size, color: rgb(0, 0, 0) });
  return pdf.save({ useObjectStreams: false });
}

// Signing key for Open Badges credentials: Ed25519, generated on first use. SQLite (one machine): kept in DATA_DIR
// with mode 0600. PostgreSQL (several instances, maybe on several machines): kept in the database, so every instance
// signs with the same key and publishes it; a DATA_DIR key file, if there is one, becomes that key.

interface SigningKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

const keysByDir = new Map<string, Promise<SigningKey>>();
const keysByDatabase = new WeakMap<Deps['db'], Promise<SigningKey>>();
export const SIGNING_KEY_FILE = 'credential-signing-key.json';
/** The row of credential_signing_keys holding the key (PostgreSQL). */
export const SHARED_KEY_NAME = 'open-badges';

async function newPrivateJwk(): Promise<JWK> {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return exportJWK(pair.privateKey);
}

const readKeyFile = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as JWK;

async function loadOrCreateKeyFile(dataDir: string): Promise<SigningKey> {
  const file = join(dataDir, SIGNING_KEY_FILE);
  let privateJwk: JWK;
  if (existsSync(file)) {
    privateJwk = readKeyFile(file);
  } else {
    privateJwk = await newPrivateJwk();
    try {
      writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first: use that one, so every instance signs with the same key.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      privateJwk = readKeyFile(file);
    }
  }
  chmodSync(file, 0o600);
  return signingKeyOf(privateJwk);
}

async function loadOrCreateSharedKey(deps: Deps): Promise<SigningKey> {
  const { db } = deps;
  const stored = () =>
    db
      .selectFrom('credential_signing_keys')
      .select('private_jwk')
      .where('name', '=', SHARED_KEY_NAME)
      .executeTakeFirst();
  let row = await stored();
  if (!row) {
    const file = join(deps.config.dataDir, SIGNING_KEY_FILE);
    const candidate = existsSync(file) ? readKeyFile(file) : await newPrivateJwk();
    // Instances starting together each offer a key; the first insert wins and everyone reads that one.
    await db
      .insertInto('credential_signing_keys')
      .values({ name: SHARED_KEY_NAME, private_jwk: JSON.stringify(candidate), created_at: deps.clock().toISOString() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    row = await stored();
  }
  if (!row) throw new Error('the credential signing key could not be stored');
  return signingKeyOf(JSON.parse(row.private_jwk) as JWK);
}

async function signingKeyOf(privateJwk: JWK): Promise<SigningKey> {
  const { d: _secret, ...publicPart } = privateJwk;
  const kid = await calculateJwkThumbprint(publicPart);
  const privateKey = (await importJWK({ ...privateJwk, alg: 'EdDSA' }, 'EdDSA')) as CryptoKey;
  return { privateKey, publicJwk: { ...publicPart, kid, alg: 'EdDSA', use: 'sig' }, kid };
}

export function signingKey(deps: Deps): Promise<SigningKey> {
  const shared = dialectOf(deps.db).sharedByInstances;
  let key = shared ? keysByDatabase.get(deps.db) : keysByDir.get(deps.config.dataDir);
  if (!key) {
    const loading = shared ? loadOrCreateSharedKey(deps) : loadOrCreateKeyFile(deps.config.dataDir);
    if (shared) keysByDatabase.set(deps.db, loading);
    else keysByDir.set(deps.config.dataDir, loading);
    loading.catch(() => (shared ? keysByDatabase.delete(deps.db) : keysByDir.delete(deps.config.dataDir)));
    key = loading;
  }
  return key;
}

export async function jwks(deps: Deps) {
  return { keys: [(await signingKey(deps)).publicJwk] };
}

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
