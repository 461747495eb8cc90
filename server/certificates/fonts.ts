// The fonts a certificate prints with, read and parsed once per process (per PDF worker thread): DejaVu Sans for
// Latin, Greek, Cyrillic, Hebrew and Arabic; Noto Sans JP, SC and KR for Japanese, Chinese and Korean; Noto Sans
// Devanagari for Hindi and other Devanagari names. All are SIL Open Font Licence fonts shipped as npm packages (no font
// file lives in this repository), embedded in each PDF as a subset of the glyphs it uses.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
// @pdf-lib/fontkit's Indic shaper (Devanagari) is built with generator code that expects this global.
import 'regenerator-runtime/runtime.js';

const require = createRequire(import.meta.url);

export type FontWeight = 'regular' | 'bold';

/** One family in the chain: its files, parsed on first use. */
interface Family {
  name: string;
  files: Record<FontWeight, string>;
}

const noto = (pkg: string, stem: string): Family => ({
  name: stem,
  files: {
    regular: require.resolve(`@expo-google-fonts/${pkg}/400Regular/${stem}_400Regular.ttf`),
    bold: require.resolve(`@expo-google-fonts/${pkg}/700Bold/${stem}_700Bold.ttf`),
  },
});

/** In order of preference: the first family that has every character of a text prints all of it. */
const FAMILIES: Family[] = [
  {
    name: 'DejaVuSans',
    files: {
      regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
      bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
    },
  },
  noto('noto-sans-jp', 'NotoSansJP'),
  noto('noto-sans-sc', 'NotoSansSC'),
  noto('noto-sans-kr', 'NotoSansKR'),
  noto('noto-sans-devanagari', 'NotoSansDevanagari'),
];

/** What pdf-lib's fontkit hook returns: the parsed font, with the glyph cache it keeps between documents cleared. */
export interface ParsedFont {
  bytes: Uint8Array;
  // biome-ignore lint/suspicious/noExplicitAny: fontkit's Font type, which @pdf-lib/fontkit does not export.
  font: any;
}

const parsed = new Map<string, ParsedFont>();
const byBytes = new WeakMap<Uint8Array, ParsedFont>();

/** Scripts whose letters need shaping (joining, reordering, right-to-left): Hebrew to Arabic, the Indic scripts on. */
const NEEDS_SHAPING = /[\u0590-\u08ff\u0900-\u0dff\u0f00-\u109f\u1780-\u18af\ufb1d-\ufdff\ufe70-\ufeff]/u;

/**
 * pdf-lib uses only the glyphs of a layout (not its positions), so text that needs no shaping is mapped straight
 * through the font's cmap: full OpenType shaping of Latin or CJK text (ligatures, kerning pdf-lib then ignores) was
 * most of a certificate's CPU time.
 */
// biome-ignore lint/suspicious/noExplicitAny: fontkit's Font type, which @pdf-lib/fontkit does not export.
function withPlainLayout(font: any) {
  const shaped = font.layout.bind(font);
  font.layout = (text: string, ...rest: unknown[]) =>
    NEEDS_SHAPING.test(text) ? shaped(text, ...rest) : { glyphs: font.glyphsForString(text) };
  return font;
}

/**
 * @pdf-lib/fontkit's TrueType subset copies each glyph's bytes as they are and then, when the subset is small, writes
 * the short `loca` format, which stores offsets halved: a glyph of odd length (Noto Sans JP has many) shifts every
 * later glyph by a byte and they print as nothing. Each copied glyph is padded to an even length, as the format wants.
 */
// biome-ignore lint/suspicious/noExplicitAny: fontkit's Font and TTFSubset types, which @pdf-lib/fontkit does not export.
function withEvenGlyphs(font: any) {
  const createSubset = font.createSubset.bind(font);
  font.createSubset = () => {
    const subset = createSubset();
    const addGlyph = subset._addGlyph?.bind(subset);
    if (!addGlyph) return subset;
    subset._addGlyph = (glyphId: number) => {
      const index = addGlyph(glyphId);
      const last = subset.glyf[subset.glyf.length - 1] as Uint8Array;
      if (last.length % 2 === 1) {
        // fontkit's own Buffer class (its bundle's, not Node's): the encoder accepts only that one.
        const padded = (last.constructor as unknown as { alloc(size: number): Uint8Array }).alloc(last.length + 1);
        padded.set(last);
        subset.glyf[subset.glyf.length - 1] = padded;
        subset.offset += 1;
      }
      return index;
    };
    return subset;
  };
  return font;
}

function load(file: string): ParsedFont {
  let entry = parsed.get(file);
  if (!entry) {
    const bytes = new Uint8Array(readFileSync(file));
    entry = { bytes, font: withEvenGlyphs(withPlainLayout(fontkit.create(bytes))) };
    parsed.set(file, entry);
    byBytes.set(bytes, entry);
  }
  return entry;
}

/** A font of the chain, by family index and weight. */
export interface FontChoice {
  family: number;
  weight: FontWeight;
}

export const fontOf = (choice: FontChoice): ParsedFont =>
  load((FAMILIES[choice.family] as Family).files[choice.weight]);

const covers = (choice: FontChoice, codePoint: number): boolean =>
  fontOf(choice).font.hasGlyphForCodePoint(codePoint) as boolean;

/** A run of text and the font that prints it. */
export interface TextRun {
  text: string;
  font: FontChoice;
}

const isSpace = (ch: string) => ch === ' ';

/**
 * The runs a text prints as: the whole text in the first family that has all its characters (a Chinese name stays in
 * one design rather than mixing Japanese and Chinese glyphs); otherwise each character in the first family that has
 * it, and "?" for a character no family has (rather than an empty box).
 */
export function runsOf(text: string, weight: FontWeight): TextRun[] {
  const characters = [...text];
  for (let family = 0; family < FAMILIES.length; family++) {
    const choice = { family, weight };
    if (characters.every((ch) => isSpace(ch) || covers(choice, ch.codePointAt(0) as number)))
      return [{ text, font: choice }];
  }
  const runs: TextRun[] = [];
  for (const ch of characters) {
    const codePoint = ch.codePointAt(0) as number;
    const last = runs.at(-1);
    let family = FAMILIES.findIndex((_, index) => covers({ family: index, weight }, codePoint));
    let printed = ch;
    if (isSpace(ch) && last) family = last.font.family;
    if (family === -1) {
      family = 0;
      printed = '?';
    }
    if (last && last.font.family === family) last.text += printed;
    else runs.push({ text: printed, font: { family, weight } });
  }
  return runs;
}

/**
 * The `fontkit` pdf-lib calls to parse embedded font bytes: it hands back the font parsed once for the process. A
 * parsed font remembers, per glyph, the character it was first laid out for (Greek capital Nu and Latin N share one
 * DejaVu glyph), and pdf-lib writes the text map from that, so each document starts with the glyph cache emptied.
 */
export const sharedFontkit = {
  create(bytes: Uint8Array) {
    const entry = byBytes.get(bytes);
    if (!entry) return fontkit.create(bytes);
    entry.font._glyphs = {};
    return entry.font;
  },
};

/** Parses every font now, so the first certificate of a worker is not the one that waits. */
export function warmFonts(): void {
  for (let family = 0; family < FAMILIES.length; family++)
    for (const weight of ['regular', 'bold'] as const) fontOf({ family, weight }).font.hasGlyphForCodePoint(65);
}

/** The font files (and their family names) a text needs, for renderers that take files (the badge image). */
export function fontFilesFor(text: string, weight: FontWeight): { files: string[]; families: string[] } {
  const used = [...new Set(runsOf(text, weight).map((run) => run.font.family))];
  return {
    files: used.map((family) => (FAMILIES[family] as Family).files[weight]),
    families: used.map((family) => fontOf({ family, weight }).font.familyName as string),
  };
}
