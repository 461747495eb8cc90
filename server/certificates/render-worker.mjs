// Entry of the certificate rendering threads (render-pool.ts): TypeScript through tsx, as the server itself runs; the
// fonts are parsed here once, before the first task arrives.
import { setPriority } from 'node:os';
import { register } from 'tsx/esm/api';

// On Linux this lowers the priority of this thread alone: drawing yields the CPU to the threads that answer requests,
// so a burst of downloads never delays a page or a health check; idle cores still draw at full speed.
try {
  setPriority(10);
} catch {
  // Not allowed here (some containers): drawing simply competes as an equal.
}
register();
const { renderCertificatePdf } = await import('./pdf.ts');
const { renderBadgePng } = await import('./badge-image.ts');
const { warmFonts } = await import('./fonts.ts');
warmFonts();

export default renderCertificatePdf;
export const renderBadge = renderBadgePng;
