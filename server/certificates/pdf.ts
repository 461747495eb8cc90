// The certificate as a PDF: deterministic bytes, the holder's name in a font that has its characters, a QR code.

import { readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import QRCode from 'qrcode';
import type { Deps } from '../deps.ts';
import { verifyUrl } from './certificates.ts';
import type { Certificate } from './tables.ts';

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
