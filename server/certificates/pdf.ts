// The certificate as a PDF, from text already translated and names already cleaned: every font embedded (a subset),
// tagged for screen readers (the name and the title are real text in a structure tree), long names and titles shrunk
// to fit, a QR code to the verification page, and the same bytes for the same input. Runs in the PDF worker threads.

import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import {
  type PDFDocument as Document,
  degrees,
  PDFDocument,
  type PDFFont,
  PDFHexString,
  type PDFImage,
  PDFName,
  PDFOperator,
  PDFOperatorNames,
  type PDFPage,
  type PDFRef,
  PDFString,
  rgb,
} from 'pdf-lib';
import QRCode from 'qrcode';
import { type FontChoice, type FontWeight, fontOf, runsOf, sharedFontkit, type TextRun } from './fonts.ts';

/** Everything printed on one certificate, in the reader's language. */
export interface CertificateDocument {
  /** BCP 47 language of the text (the PDF's /Lang). */
  language: string;
  /** Document title (metadata) and the heading printed. */
  title: string;
  heading: string;
  organisationName: string;
  logo: { bytes: Uint8Array; type: 'png' | 'jpeg' } | null;
  certifies: string;
  holderName: string;
  passed: string;
  examTitle: string;
  /** "Issued 24 November 2026 · valid until 24 November 2027". */
  validity: string;
  /** "Expired on 24 November 2027" (expired certificates). */
  expiredNotice: string | null;
  /** "REVOKED" across the page (only staff can download a revoked certificate). */
  revokedStamp: string | null;
  verifyLine: string;
  idLine: string;
  verifyUrl: string;
  qrAlt: string;
  /** ISO instant: the document's dates, so the bytes never change. */
  issuedAt: string;
}

// pdf-lib compresses every stream with pako, in JavaScript; Node's zlib writes the same format several times faster.
const pako = createRequire(import.meta.url)('pako') as { deflate: (data: Uint8Array) => Uint8Array };
pako.deflate = (data) => deflateSync(data);

const PAGE = { width: 842, height: 595 };
const TEXT_WIDTH = 700;
const INK = rgb(0.1, 0.12, 0.2);
const ALERT = rgb(0.7, 0.08, 0.08);

// RTL scripts: Hebrew, Arabic, Syriac, Thaana, NKo and their presentation forms.
const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/u;
const STRONG = /[\p{L}]/u;

/** Right-to-left when the first letter is of a right-to-left script (the paragraph direction of UAX #9, rule P2). */
const rightToLeft = (text: string) => RTL.test([...text].find((ch) => STRONG.test(ch)) ?? '');

type StructureType = 'H1' | 'P' | 'Figure';

/** A page whose content is marked for the structure tree: text as tagged content, decoration as artifacts. */
class TaggedPage {
  readonly elements: { type: StructureType; mcid: number; alt?: string; actualText?: string }[] = [];
  readonly #fonts = new Map<string, PDFFont>();

  constructor(
    readonly pdf: Document,
    readonly page: PDFPage,
    readonly embedded: Map<string, Promise<PDFFont>>,
  ) {}

  async font(choice: FontChoice): Promise<PDFFont> {
    const key = `${choice.family}:${choice.weight}`;
    let font = this.#fonts.get(key);
    if (!font) {
      let embedding = this.embedded.get(key);
      if (!embedding) {
        embedding = this.pdf.embedFont(fontOf(choice).bytes, { subset: true });
        this.embedded.set(key, embedding);
      }
      font = await embedding;
      this.#fonts.set(key, font);
    }
    return font;
  }

  /** `alt` describes a figure; `actualText` is a text's characters in reading order, whatever order they are drawn in. */
  tagged(type: StructureType, draw: () => void, alt?: string, actualText?: string) {
    const mcid = this.elements.length;
    this.elements.push({ type, mcid, ...(alt ? { alt } : {}), ...(actualText ? { actualText } : {}) });
    // pdf-lib's operator arguments are typed without dictionaries, which BDC takes (its property list).
    const properties = this.pdf.context.obj({ MCID: mcid }) as unknown as PDFName;
    this.page.pushOperators(
      PDFOperator.of(PDFOperatorNames.BeginMarkedContentSequence, [PDFName.of(type), properties]),
    );
    draw();
    this.page.pushOperators(PDFOperator.of(PDFOperatorNames.EndMarkedContent));
  }

  artifact(draw: () => void) {
    this.page.pushOperators(PDFOperator.of(PDFOperatorNames.BeginMarkedContent, [PDFName.of('Artifact')]));
    draw();
    this.page.pushOperators(PDFOperator.of(PDFOperatorNames.EndMarkedContent));
  }
}

interface MeasuredRun extends TextRun {
  pdfFont: PDFFont;
  /** Width at a size of 1 pt: laying text out (shaping) is the costly part of a certificate, so it is done once. */
  unitWidth: number;
}

async function measured(page: TaggedPage, text: string, weight: FontWeight): Promise<MeasuredRun[]> {
  const runs = runsOf(text, weight);
  return Promise.all(
    runs.map(async (run) => {
      const pdfFont = await page.font(run.font);
      return { ...run, pdfFont, unitWidth: pdfFont.widthOfTextAtSize(run.text, 1000) / 1000 };
    }),
  );
}

const widthOf = (runs: MeasuredRun[], size: number) => runs.reduce((sum, run) => sum + run.unitWidth * size, 0);

/** Splits a text into two lines near its middle, at a space when there is one (CJK titles have none). */
function twoLines(text: string): [string, string] {
  const characters = [...text];
  const middle = Math.floor(characters.length / 2);
  const spaces = characters.flatMap((ch, index) => (ch === ' ' ? [index] : []));
  const cut = spaces.length
    ? spaces.reduce((best, index) => (Math.abs(index - middle) < Math.abs(best - middle) ? index : best))
    : middle;
  return [characters.slice(0, cut).join('').trim(), characters.slice(cut).join('').trim()];
}

interface Fitted {
  lines: MeasuredRun[][];
  size: number;
}

/** The largest size (down to `minSize`) at which the text fits one line, else two lines, else two at `minSize`. */
async function fitText(
  page: TaggedPage,
  text: string,
  weight: FontWeight,
  maxSize: number,
  minSize: number,
): Promise<Fitted> {
  const single = await measured(page, text, weight);
  const natural = widthOf(single, maxSize);
  if (natural <= TEXT_WIDTH) return { lines: [single], size: maxSize };
  const shrunk = (maxSize * TEXT_WIDTH) / natural;
  if (shrunk >= minSize * 1.25) return { lines: [single], size: Math.floor(shrunk * 10) / 10 };
  const halves = await Promise.all(twoLines(text).map((line) => measured(page, line, weight)));
  const widest = Math.max(...halves.map((line) => widthOf(line, maxSize)));
  const size = Math.max(minSize, Math.min(maxSize, Math.floor(((maxSize * TEXT_WIDTH) / widest) * 10) / 10));
  return { lines: halves, size };
}

function drawLine(page: TaggedPage, runs: MeasuredRun[], y: number, size: number, color = INK) {
  const ordered = rightToLeft(runs.map((run) => run.text).join('')) ? [...runs].reverse() : runs;
  let x = (PAGE.width - widthOf(ordered, size)) / 2;
  for (const run of ordered) {
    page.page.drawText(run.text, { x, y, size, font: run.pdfFont, color });
    x += run.unitWidth * size;
  }
}

/** A centred paragraph (one or two lines) as one tagged element; returns the y below it. */
async function paragraph(
  page: TaggedPage,
  type: StructureType,
  text: string,
  y: number,
  options: { size: number; minSize?: number; weight?: FontWeight; color?: ReturnType<typeof rgb> },
): Promise<number> {
  const { lines, size } = await fitText(
    page,
    text,
    options.weight ?? 'regular',
    options.size,
    options.minSize ?? options.size,
  );
  const leading = size * 1.25;
  // Right-to-left and Indic text is drawn in visual order; ActualText gives screen readers the logical one.
  page.tagged(
    type,
    () => {
      for (const [index, line] of lines.entries()) drawLine(page, line, y - index * leading, size, options.color);
    },
    undefined,
    text,
  );
  return y - lines.length * leading;
}

/** The QR code as one vector path (a run of dark modules per row segment): small, sharp and fast to write. */
function qrPath(url: string): { path: string; size: number } {
  // One fixed mask: choosing the best of eight (the library's default) was a tenth of a certificate's CPU time.
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M', maskPattern: 0 });
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
  return { path, size };
}

/** The structure tree: a Document element holding each tagged element in reading order. */
function writeStructureTree(pdf: Document, page: TaggedPage, language: string) {
  const { context, catalog } = pdf;
  const rootRef = context.nextRef();
  const documentRef = context.nextRef();
  const children: PDFRef[] = page.elements.map(({ type, mcid, alt, actualText }) =>
    context.register(
      context.obj({
        Type: 'StructElem',
        S: type,
        P: documentRef,
        Pg: page.page.ref,
        K: mcid,
        ...(alt ? { Alt: PDFHexString.fromText(alt) } : {}),
        ...(actualText ? { ActualText: PDFHexString.fromText(actualText) } : {}),
      }),
    ),
  );
  context.assign(documentRef, context.obj({ Type: 'StructElem', S: 'Document', P: rootRef, K: children }));
  context.assign(
    rootRef,
    context.obj({
      Type: 'StructTreeRoot',
      K: documentRef,
      ParentTree: context.obj({ Nums: [0, children] }),
      ParentTreeNextKey: 1,
    }),
  );
  page.page.node.set(PDFName.of('StructParents'), context.obj(0));
  page.page.node.set(PDFName.of('Tabs'), PDFName.of('S'));
  catalog.set(PDFName.of('StructTreeRoot'), rootRef);
  catalog.set(PDFName.of('MarkInfo'), context.obj({ Marked: true }));
  catalog.set(PDFName.of('Lang'), PDFString.of(language));
  catalog.set(PDFName.of('ViewerPreferences'), context.obj({ DisplayDocTitle: true }));
}

async function embedLogo(pdf: Document, logo: CertificateDocument['logo']): Promise<PDFImage | null> {
  if (!logo) return null;
  return logo.type === 'png' ? pdf.embedPng(logo.bytes) : pdf.embedJpg(logo.bytes);
}

/** Same input, same bytes: the document's dates are the issue date, no random document id, no producer stamp. */
export async function renderCertificatePdf(doc: CertificateDocument): Promise<Uint8Array> {
  const issued = new Date(doc.issuedAt);
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.registerFontkit(sharedFontkit);
  pdf.setTitle(doc.title, { showInWindowTitleBar: true });
  pdf.setAuthor(doc.organisationName);
  pdf.setCreator('Seatkeeper');
  pdf.setProducer('Seatkeeper');
  pdf.setLanguage(doc.language);
  pdf.setCreationDate(issued);
  pdf.setModificationDate(issued);
  const tagged = new TaggedPage(pdf, pdf.addPage([PAGE.width, PAGE.height]), new Map());
  const { page } = tagged;

  tagged.artifact(() =>
    page.drawRectangle({ x: 24, y: 24, width: 794, height: 547, borderColor: INK, borderWidth: 2 }),
  );
  const logo = await embedLogo(pdf, doc.logo);
  let y = 535;
  if (logo) {
    const scale = Math.min(150 / logo.width, 48 / logo.height);
    const { width, height } = logo.scale(scale);
    tagged.tagged(
      'Figure',
      () => page.drawImage(logo, { x: (PAGE.width - width) / 2, y: y - height, width, height }),
      doc.organisationName,
    );
    y -= height + 14;
  }
  y = await paragraph(tagged, 'P', doc.organisationName, y - 4, { size: 14, minSize: 9 });
  y = await paragraph(tagged, 'H1', doc.heading, y - 30, { size: 32, minSize: 18, weight: 'bold' });
  y = await paragraph(tagged, 'P', doc.certifies, y - 8, { size: 14, minSize: 10 });
  y = await paragraph(tagged, 'P', doc.holderName, y - 20, { size: 28, minSize: 11, weight: 'bold' });
  y = await paragraph(tagged, 'P', doc.passed, y - 6, { size: 14, minSize: 10 });
  y = await paragraph(tagged, 'P', doc.examTitle, y - 16, { size: 22, minSize: 10, weight: 'bold' });
  y = await paragraph(tagged, 'P', doc.validity, y - 10, { size: 12, minSize: 8 });
  if (doc.expiredNotice)
    await paragraph(tagged, 'P', doc.expiredNotice, y - 8, { size: 14, minSize: 9, weight: 'bold', color: ALERT });
  await paragraph(tagged, 'P', doc.verifyLine, 64, { size: 9, minSize: 6 });
  await paragraph(tagged, 'P', doc.idLine, 50, { size: 9, minSize: 6 });

  const qr = qrPath(doc.verifyUrl);
  const box = 96;
  tagged.tagged(
    'Figure',
    () =>
      page.drawSvgPath(qr.path, { x: PAGE.width - 48 - box, y: 84 + box, scale: box / qr.size, color: rgb(0, 0, 0) }),
    doc.qrAlt,
  );

  if (doc.revokedStamp) {
    const [run] = runsOf(doc.revokedStamp, 'bold');
    const font = await tagged.font((run as TextRun).font);
    const size = 96;
    const width = font.widthOfTextAtSize(doc.revokedStamp, size);
    const angle = 18;
    const radians = (angle * Math.PI) / 180;
    // Centred on the page, turned about its own start.
    const x = PAGE.width / 2 - (Math.cos(radians) * width) / 2;
    const stampY = PAGE.height / 2 - (Math.sin(radians) * width) / 2 - size / 3;
    tagged.tagged('P', () =>
      page.drawText(doc.revokedStamp as string, {
        x,
        y: stampY,
        size,
        font,
        color: ALERT,
        opacity: 0.35,
        rotate: degrees(angle),
      }),
    );
  }
  writeStructureTree(pdf, tagged, doc.language);
  // Written in one go: by default pdf-lib yields to the event loop every 50 objects, which only adds waiting here.
  return pdf.save({ useObjectStreams: false, objectsPerTick: Number.POSITIVE_INFINITY });
}
