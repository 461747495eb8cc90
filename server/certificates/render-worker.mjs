// Entry of the certificate rendering threads (render-pool.ts): TypeScript through tsx, as the server itself runs; the
// fonts are parsed here once, before the first task arrives.
import { register } from 'tsx/esm/api';

register();
const { renderCertificatePdf } = await import('./pdf.ts');
const { renderBadgePng } = await import('./badge-image.ts');
const { warmFonts } = await import('./fonts.ts');
warmFonts();

export default renderCertificatePdf;
export const renderBadge = renderBadgePng;
