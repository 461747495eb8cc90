// A person's name and an exam's title as they are stored, printed and signed: one Unicode form (NFC), so the PDF, the
// verification page and the credential hold the same characters, and none of the invisible characters that change
// how the rest of a line is shown (bidi overrides and isolates, other format and control characters).

/**
 * Control characters (Cc: C0, DEL, C1) and format characters (Cf: bidi embeddings, overrides, isolates and marks,
 * zero-width spaces, the BOM, soft hyphens...), and the line and paragraph separators.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
/** The zero-width joiners some scripts need (Persian, the Indic scripts, emoji sequences): they stay. */
const JOINERS = new Set(['\u200c', '\u200d']);

/** NFC, invisible and control characters removed, runs of white space as one space, trimmed. */
export function cleanDisplayText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\t\n\r\v\f]/g, ' ')
    .replace(INVISIBLE, (ch) => (JOINERS.has(ch) ? ch : ''))
    .replace(/\s+/gu, ' ')
    .trim();
}
