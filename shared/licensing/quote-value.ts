// Quoting a value from a user's file inside an error message: the file is untrusted text, so control characters and
// direction overrides are shown as escapes, and a huge value is cut, so a message stays one readable line.

/** How many characters of an offending value a message quotes. */
export const QUOTED_LENGTH = 80;

function escaped(code: number): string | null {
  if (code === 0x22) return '\\"';
  if (code === 0x5c) return '\\\\';
  if (code === 0x0a) return '\\n';
  if (code === 0x0d) return '\\r';
  if (code === 0x09) return '\\t';
  // C0 and C1 controls, DEL, bidirectional overrides and isolates, line and paragraph separators, BOM.
  if (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0xfeff
  ) {
    return `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return null;
}

/**
 * The value in double quotes, control characters escaped, cut to `max` characters with the full length named, e.g.
 * `"J\u0000rgen"` or `"aaaa…" (200,000 characters)`.
 */
export function quoteValue(value: string, max = QUOTED_LENGTH): string {
  const cut = value.length > max;
  let text = '';
  const end = Math.min(value.length, max);
  for (let k = 0; k < end; k++) {
    const code = value.charCodeAt(k);
    // A lone surrogate left by the cut or by the file would render as garbage.
    if (code >= 0xd800 && code <= 0xdfff) {
      const pair =
        code <= 0xdbff && k + 1 < end && value.charCodeAt(k + 1) >= 0xdc00 && value.charCodeAt(k + 1) <= 0xdfff;
      if (pair) {
        text += value.slice(k, k + 2);
        k++;
      } else {
        text += `\\u${code.toString(16)}`;
      }
      continue;
    }
    text += escaped(code) ?? value[k];
  }
  return cut ? `"${text}…" (${value.length.toLocaleString('en-GB')} characters)` : `"${text}"`;
}
