// An exam's badge image, drawn once per title, organisation profile and language, then kept (it changes only when one
// of those does), so baked downloads and the public achievement image cost a drawing only the first time.
import type { Deps } from '../deps.ts';
import type { I18n } from '../i18n/request.ts';
import { cleanDisplayText } from './names.ts';
import { organisation } from './organisation.ts';
import { renderBadgeInPool } from './render-pool.ts';

const MAX_KEPT = 200;
const kept = new Map<string, Promise<Uint8Array>>();

/** The badge PNG for an exam title (the certificate's own title, or the exam's current one). */
export async function badgePng(deps: Deps, title: string, i18n: I18n): Promise<Uint8Array> {
  const issuer = await organisation(deps);
  const cleanTitle = cleanDisplayText(title);
  const key = JSON.stringify([deps.config.publicUrl, cleanTitle, issuer.name, issuer.updatedAt, i18n.locale]);
  let image = kept.get(key);
  if (!image) {
    image = renderBadgeInPool({
      title: cleanTitle,
      organisationName: issuer.name,
      label: i18n.t('certificates.badge.label'),
      logo: issuer.logo,
    });
    if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value as string);
    kept.set(key, image);
    image.catch(() => kept.delete(key));
  }
  return image;
}
