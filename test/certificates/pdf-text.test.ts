import { describe, expect, it } from 'vitest';
import { cleanDisplayText } from '../../server/certificates/names.ts';
import { type CertificateDocument, renderCertificatePdf } from '../../server/certificates/pdf.ts';
import { readPdf, roles } from '../support/pdf-reader.ts';

// The PDF is read back with pdf.js (test/support/pdf-reader.ts), not with pdf-lib, which writes it.

const document = (overrides: Partial<CertificateDocument> = {}): CertificateDocument => ({
  language: 'en',
  title: 'Certificate abcdefghijklmnopqrstuvwxyz234567',
  heading: 'Certificate of achievement',
  organisationName: 'Example Training Ltd',
  logo: null,
  certifies: 'This certifies that',
  holderName: 'Zoë Müller-Françoise',
  passed: 'has passed the exam',
  examTitle: 'Safety basics',
  validity: 'Issued 24 November 2026 · valid until 24 November 2027',
  expiredNotice: null,
  revokedStamp: null,
  verifyLine: 'Verify at https://certs.example.org/verify/abcdefghijklmnopqrstuvwxyz234567',
  idLine: 'Certificate ID abcdefghijklmnopqrstuvwxyz234567',
  verifyUrl: 'https://certs.example.org/verify/abcdefghijklmnopqrstuvwxyz234567',
  qrAlt: 'QR code linking to the verification page',
  issuedAt: '2026-11-24T12:00:00.000Z',
  ...overrides,
});

const letters = (text: string) => [...text.replace(/\s/g, '')].sort().join('');
const squeezed = (text: string) => text.replace(/\s/g, '');
const raw = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

describe('certificate PDF: any name prints as written', () => {
  it.each([
    ['佐藤 達也', 'OutSystems 基礎認定試験', 'Japanese'],
    ['山田 太郎', '情報セキュリティ基礎', 'Japanese'],
    ['张伟', '数据分析认证', 'Chinese (simplified)'],
    ['김민준', '정보 보안 기초', 'Korean'],
    ['Zoë Müller-Françoise', 'Sécurité de base', 'Latin with accents'],
    ['Nguyễn Thị Minh', 'An toàn cơ bản', 'Vietnamese'],
    ['Νίκος Παπαδόπουλος', 'Βασικές αρχές', 'Greek'],
    ['Дмитрий Иванов', 'Основы безопасности', 'Cyrillic'],
    ['דוד כהן', 'יסודות אבטחה', 'Hebrew'],
  ])('%s and %s (%s) are in the text, in order', async (holderName, examTitle) => {
    const pdf = await readPdf(await renderCertificatePdf(document({ holderName, examTitle })));
    expect(squeezed(pdf.text)).toContain(squeezed(holderName));
    expect(squeezed(pdf.text)).toContain(squeezed(examTitle));
  });

  it.each([
    ['अमित कुमार', 'Hindi (Devanagari)'],
    ['محمد علي', 'Arabic'],
  ])('%s (%s) is shaped and every letter is in the text', async (holderName) => {
    const bytes = await renderCertificatePdf(document({ holderName }));
    const pdf = await readPdf(bytes);
    const name = pdf.pieces.find((piece) => letters(piece.text) === letters(holderName));
    expect(name, `no text piece holds the letters of ${holderName}: ${pdf.text}`).toBeDefined();
    // The structure tree carries the name in reading order for screen readers.
    expect(raw(bytes)).toContain(
      `/ActualText <${Buffer.from(`\ufeff${holderName}`, 'utf16le').swap16().toString('hex').toUpperCase()}>`,
    );
  });

  it('embeds every font as a subset (no standard font) and is a tagged PDF with the name and title as text', async () => {
    const bytes = await renderCertificatePdf(
      document({ language: 'ja', holderName: '佐藤 達也', examTitle: 'OutSystems 基礎認定試験' }),
    );
    const text = raw(bytes);
    expect(text).not.toMatch(/\/BaseFont \/(Helvetica|Times|Courier)/);
    const fonts = [...text.matchAll(/\/BaseFont \/([A-Za-z0-9+-]+)/g)].map((m) => m[1]);
    expect(fonts.length).toBeGreaterThan(0);
    expect((text.match(/\/FontFile2 /g) ?? []).length).toBeGreaterThan(0);
    const pdf = await readPdf(bytes);
    expect(pdf.marked).toBe(true);
    expect(pdf.language).toBe('ja');
    expect(roles(pdf.structure)).toEqual(expect.arrayContaining(['Document', 'H1', 'P', 'Figure']));
    expect(pdf.title).toBe('Certificate abcdefghijklmnopqrstuvwxyz234567');
  });

  it('shrinks a long name and a long title to fit the page instead of clipping them', async () => {
    const holderName =
      'Maximiliana Alexandrina Konstantinopoulou-Vandenberghe-Featherstonehaugh de la Cruz y Montenegro';
    const examTitle = `${'Enterprise Licence Accounting and Audit Preparation '.repeat(3).trim()} (Advanced)`;
    const pdf = await readPdf(await renderCertificatePdf(document({ holderName, examTitle })));
    expect(pdf.text.replace(/\s/g, '')).toContain(holderName.replace(/\s/g, ''));
    expect(pdf.text.replace(/\s/g, '')).toContain(examTitle.replace(/\s/g, ''));
    for (const piece of pdf.pieces) {
      expect(piece.x).toBeGreaterThanOrEqual(24);
      expect(piece.x + piece.width).toBeLessThanOrEqual(842 - 24);
    }
    const name = pdf.pieces.find((piece) => piece.text.startsWith('Maximiliana'));
    expect(name?.fontSize).toBeLessThan(28);
  });

  it('prints "Expired on ..." and the REVOKED stamp as text', async () => {
    const pdf = await readPdf(
      await renderCertificatePdf(document({ expiredNotice: 'Expired on 24 November 2027', revokedStamp: 'REVOKED' })),
    );
    expect(pdf.text).toContain('Expired on 24 November 2027');
    expect(pdf.text).toContain('REVOKED');
  });

  it('maps a glyph shared by two scripts to the character each document drew', async () => {
    // DejaVu draws Greek capital Nu and Latin N with one glyph; the font is parsed once for every document.
    await renderCertificatePdf(document({ holderName: 'Νίκος' }));
    const pdf = await readPdf(await renderCertificatePdf(document({ holderName: 'Nguyễn' })));
    expect(pdf.text).toContain('Nguyễn');
    expect(pdf.text).not.toContain('Ν');
  });

  it('prints a question mark, not an empty box, for a character no font has, and keeps the rest', async () => {
    const pdf = await readPdf(await renderCertificatePdf(document({ holderName: 'Łukasz \u0F40' })));
    expect(squeezed(pdf.text)).toContain('Łukasz?');
  });

  it('is byte-identical for the same certificate, in any script', async () => {
    for (const holderName of ['Zoë Müller', '佐藤 達也', 'محمد علي']) {
      const a = Buffer.from(await renderCertificatePdf(document({ holderName })));
      const b = Buffer.from(await renderCertificatePdf(document({ holderName })));
      expect(b.equals(a)).toBe(true);
    }
  });
});

describe('names as they are stored, printed and signed', () => {
  it('are NFC with bidi overrides, isolates and control characters removed', () => {
    expect(cleanDisplayText('Zoe\u0308')).toBe('Zoë');
    expect(cleanDisplayText('\u202Eevil\u202C name')).toBe('evil name');
    expect(cleanDisplayText('Ann\u2066a\u2069 \u200BLee\u0007')).toBe('Anna Lee');
    expect(cleanDisplayText('  Sato\u00a0\u00a0Tatsuya\n')).toBe('Sato Tatsuya');
    // The joiners some scripts need stay.
    expect(cleanDisplayText('می\u200Cخواهم')).toBe('می\u200Cخواهم');
  });
});
