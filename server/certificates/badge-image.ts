// The badge image of an exam (the Achievement's `image`, and the PNG a credential is baked into): the exam's title on a
// round seal under the organisation's logo and name, drawn from SVG by resvg with the same fonts as the PDF.
import { Resvg } from '@resvg/resvg-js';
import { fontFilesFor } from './fonts.ts';

export interface BadgeDrawing {
  title: string;
  organisationName: string;
  /** Printed under the title (e.g. "CERTIFIED"). */
  label: string;
  logo: { bytes: Uint8Array; type: 'image/png' | 'image/jpeg' } | null;
}

const SIZE = 600;

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.codePointAt(0)};`);

/** Display width in "ems": wide (CJK, Hangul) characters count double. */
const emWidth = (text: string) =>
  [...text].reduce(
    (sum, ch) => sum + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/u.test(ch) ? 1 : 0.55),
    0,
  );

/** The title in at most three lines of about `perLine` ems, broken at spaces (anywhere in CJK text). */
function wrap(text: string, perLine: number): string[] {
  const words = text.includes(' ') ? text.split(' ') : [...text];
  const joiner = text.includes(' ') ? ' ' : '';
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line ? `${line}${joiner}${word}` : word;
    if (line && emWidth(next) > perLine) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  if (lines.length <= 3) return lines;
  return [
    ...lines.slice(0, 2),
    `${lines
      .slice(2)
      .join(joiner)
      .slice(0, Math.max(1, Math.floor(perLine * 1.6)))}…`,
  ];
}

export function badgeSvg(badge: BadgeDrawing, fontFamilies: string): string {
  const lines = wrap(badge.title, 13);
  const longest = Math.max(...lines.map(emWidth));
  const titleSize = Math.max(22, Math.min(52, Math.floor(380 / Math.max(longest, 1))));
  const lineHeight = titleSize * 1.2;
  const top = 330 - ((lines.length - 1) * lineHeight) / 2;
  const logo = badge.logo
    ? `<image href="data:${badge.logo.type};base64,${Buffer.from(badge.logo.bytes).toString('base64')}" x="225" y="92" width="150" height="84" preserveAspectRatio="xMidYMid meet"/>`
    : '';
  const text = (content: string, y: number, size: number, weight: number, fill: string) =>
    `<text x="300" y="${y}" font-family="${fontFamilies}" font-size="${size}" font-weight="${weight}" fill="${fill}" text-anchor="middle">${escapeXml(content)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
<circle cx="300" cy="300" r="292" fill="#1f2a44"/>
<circle cx="300" cy="300" r="270" fill="#ffffff"/>
<circle cx="300" cy="300" r="258" fill="none" stroke="#c9a227" stroke-width="6"/>
${logo}
${text(emWidth(badge.organisationName) > 22 ? `${[...badge.organisationName].slice(0, 30).join('')}` : badge.organisationName, badge.logo ? 210 : 190, 24, 400, '#1f2a44')}
${lines.map((line, index) => text(line, top + index * lineHeight, titleSize, 700, '#1f2a44')).join('\n')}
<rect x="150" y="450" width="300" height="56" rx="10" fill="#1f2a44"/>
${text(badge.label, 488, 26, 700, '#ffffff')}
</svg>`;
}

/** The badge as a PNG of 600 × 600 pixels. */
export function renderBadgePng(badge: BadgeDrawing): Uint8Array {
  const { files, families } = fontFilesFor(`${badge.title} ${badge.organisationName} ${badge.label}`, 'bold');
  const regular = fontFilesFor(badge.organisationName, 'regular');
  const svg = badgeSvg(badge, [...families].map((name) => `'${name}'`).join(', '));
  const resvg = new Resvg(svg, {
    font: {
      loadSystemFonts: false,
      fontFiles: [...files, ...regular.files],
      defaultFontFamily: families[0] ?? 'DejaVu Sans',
    },
    fitTo: { mode: 'width', value: SIZE },
  });
  return new Uint8Array(resvg.render().asPng());
}
