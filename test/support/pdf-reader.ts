// Reads a PDF as a PDF reader would, with Mozilla's pdf.js (an implementation independent of pdf-lib, which writes
// ours): the text of each page in reading order, where each piece is drawn, the tagged structure, the catalog's flags.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface TextPiece {
  text: string;
  x: number;
  width: number;
  fontSize: number;
}

export interface StructureNode {
  role?: string;
  children?: StructureNode[];
  type?: string;
  id?: string;
}

export interface ReadPdf {
  text: string;
  pieces: TextPiece[];
  structure: StructureNode | null;
  marked: boolean;
  title: string | undefined;
  language: string | undefined;
}

export async function readPdf(bytes: Uint8Array): Promise<ReadPdf> {
  const document = await getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  }).promise;
  try {
    const page = await document.getPage(1);
    const content = await page.getTextContent();
    const pieces = content.items
      .filter((item): item is typeof item & { str: string; transform: number[]; width: number } => 'str' in item)
      .map((item) => ({
        text: item.str,
        x: item.transform[4] as number,
        width: item.width,
        fontSize: Math.hypot(item.transform[0] as number, item.transform[1] as number),
      }));
    const markInfo = (await document.getMarkInfo()) as { Marked?: boolean } | null;
    const metadata = (await document.getMetadata()) as { info: { Title?: string; Language?: string } };
    return {
      text: pieces.map((piece) => piece.text).join(''),
      pieces,
      structure: (await page.getStructTree()) as StructureNode | null,
      marked: markInfo?.Marked === true,
      title: metadata.info.Title,
      language: metadata.info.Language,
    };
  } finally {
    await document.destroy();
  }
}

/** Every role in the structure tree, depth first. */
export function roles(node: StructureNode | null): string[] {
  if (!node) return [];
  return [...(node.role ? [node.role] : []), ...(node.children ?? []).flatMap((child) => roles(child))];
}
