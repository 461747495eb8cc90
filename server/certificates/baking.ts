// Baking (Open Badges 3.0, section 5.3.1): the signed credential carried inside the badge PNG, as an uncompressed iTXt
// chunk with the keyword "openbadgecredential", so the image alone can be verified.
import encodeChunks from 'png-chunks-encode';
import extractChunks from 'png-chunks-extract';

export const BAKING_KEYWORD = 'openbadgecredential';

const latin1 = (text: string) => Buffer.from(text, 'latin1');

/** The iTXt chunk's data: keyword, NUL, compression flag 0, method 0, empty language tag and translated keyword. */
function iTxtData(text: string): Uint8Array {
  return Buffer.concat([latin1(BAKING_KEYWORD), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]);
}

/** The PNG with the credential baked in (a credential already baked into it is replaced: the chunk appears once). */
export function bakeCredential(png: Uint8Array, compactJws: string): Uint8Array {
  const chunks = extractChunks(png).filter((chunk) => readITxt(chunk)?.keyword !== BAKING_KEYWORD);
  const end = chunks.findIndex((chunk) => chunk.name === 'IEND');
  chunks.splice(end, 0, { name: 'iTXt', data: iTxtData(compactJws) });
  return encodeChunks(chunks);
}

function readITxt(chunk: {
  name: string;
  data: Uint8Array;
}): { keyword: string; compressed: boolean; text: string } | null {
  if (chunk.name !== 'iTXt') return null;
  const data = Buffer.from(chunk.data);
  const keywordEnd = data.indexOf(0);
  if (keywordEnd <= 0) return null;
  const compressed = data[keywordEnd + 1] === 1;
  const languageEnd = data.indexOf(0, keywordEnd + 3);
  const translatedEnd = languageEnd === -1 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd === -1) return null;
  return {
    keyword: data.subarray(0, keywordEnd).toString('latin1'),
    compressed,
    text: data.subarray(translatedEnd + 1).toString('utf8'),
  };
}

/** The credential baked into a PNG (the first openbadgecredential chunk), or null when there is none. */
export function extractCredential(png: Uint8Array): string | null {
  for (const chunk of extractChunks(png)) {
    const text = readITxt(chunk);
    // Compression MUST NOT be used for this chunk; a compressed one is not a baked Open Badge.
    if (text?.keyword === BAKING_KEYWORD && !text.compressed) return text.text;
  }
  return null;
}
