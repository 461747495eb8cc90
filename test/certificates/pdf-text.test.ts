import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { certificatePdf } from '../../server/certificates/pdf.ts';
import type { Certificate } from '../../server/certificates/tables.ts';
import type { Deps } from '../../server/deps.ts';

const deps = { config: { publicUrl: 'https://certs.example.org' } } as unknown as Deps;

const certificate = (holder: string, title = 'Safety basics'): Certificate => ({
  id: 'abcdefghijklmnopqrstuvwxyz234567',
  attempt_id: 'attempt',
  account_id: 'account',
  exam_id: 'exam',
  holder_name: holder,
  exam_title: title,
  score_percent: 90,
  issued_at: '2026-11-24T12:00:00.000Z',
  expires_at: '2027-11-24T12:00:00.000Z',
  revoked_at: null,
  revoked_reason: null,
  replaced_by: null,
});

/** The PDF's text objects and its inflated streams (fonts' ToUnicode maps, page content), as latin1 text. */
function inspect(bytes: Uint8Array): { raw: string; streams: string } {
  const raw = Buffer.from(bytes).toString('latin1');
  const streams: string[] = [];
  const pattern = /stream\r?\n/g;
  for (let match = pattern.exec(raw); match; match = pattern.exec(raw)) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endstream', start);
    try {
      streams.push(inflateSync(Buffer.from(raw.slice(start, end), 'latin1')).toString('latin1'));
    } catch {
      streams.push(raw.slice(start, end));
    }
  }
  return { raw, streams: streams.join('\n') };
}

/** The code points a font's ToUnicode map says its glyphs stand for. */
function mappedCodePoints(streams: string): Set<number> {
  const points = new Set<number>();
  for (const [, hex] of streams.matchAll(/<[0-9A-Fa-f]{4}>\s*<([0-9A-Fa-f]{4,8})>/g))
    points.add(Number.parseInt(hex as string, 16));
  return points;
}

describe('certificate PDF text', () => {
  it('prints Western European names with the built-in Helvetica, accents kept', async () => {
    const { raw, streams } = inspect(await certificatePdf(deps, certificate('Zoë Müller-Françoise')));
    expect(raw).toContain('/BaseFont /Helvetica-Bold');
    expect(raw).not.toContain('DejaVu');
    // WinAnsi codes of ë, ü and ç in the page's text (hex strings).
    expect(streams).toMatch(/EB/);
    expect(streams).toMatch(/FC/);
    expect(streams).toMatch(/E7/);
  });

  it.each([
    ['Łukasz Żółć', 'Polish'],
    ['Дмитрий Иванов', 'Cyrillic'],
    ['Νίκος Παπαδόπουλος', 'Greek'],
    ['Nguyễn Thị Minh', 'Vietnamese'],
  ])('embeds a Unicode font for %s (%s) and maps every letter of the name', async (holder) => {
    const { raw, streams } = inspect(await certificatePdf(deps, certificate(holder)));
    expect(raw).toMatch(/\/BaseFont \/DejaVuSans-Bold/);
    expect(raw).not.toContain('Helvetica');
    const mapped = mappedCodePoints(streams);
    for (const ch of holder.normalize('NFC').replace(/\s/g, '')) expect(mapped).toContain(ch.codePointAt(0));
  });

  it('maps a glyph shared by two scripts to the character each document drew', async () => {
    // DejaVu draws Greek capital Nu and Latin N with one glyph; a font shared between documents would remember Nu.
    await certificatePdf(deps, certificate('Νίκος'));
    const mapped = mappedCodePoints(inspect(await certificatePdf(deps, certificate('Nguyễn'))).streams);
    expect(mapped).toContain('N'.codePointAt(0));
    expect(mapped).not.toContain('Ν'.codePointAt(0));
  });

  it('prints a question mark, not an empty box, for characters the font lacks, and keeps the rest', async () => {
    const { streams } = inspect(await certificatePdf(deps, certificate('王小明 Łukasz')));
    const mapped = mappedCodePoints(streams);
    expect(mapped).not.toContain('王'.codePointAt(0));
    expect(mapped).toContain('?'.codePointAt(0));
    expect(mapped).toContain('Ł'.codePointAt(0));
  });

  it('is byte-identical for the same certificate, with either font', async () => {
    for (const holder of ['Zoë Müller', 'Łukasz Żółć']) {
      const a = Buffer.from(await certificatePdf(deps, certificate(holder)));
      const b = Buffer.from(await certificatePdf(deps, certificate(holder)));
      expect(b.equals(a)).toBe(true);
    }
  });
});
