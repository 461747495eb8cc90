// What the admin types to sign in, checked the same way in the options page (before the browser asks for access to
// the server) and in the background (which trusts nobody).
import { parseConsoleOrigin } from './console-origins.ts';
import { t } from './i18n.ts';

/** The server's origin from any address of it, typed or pasted ("certify.example.com" means https); null if none. */
export function normaliseServerUrl(input: string): string | null {
  const parsed = parseConsoleOrigin(input);
  return parsed.ok ? parsed.origin : null;
}

const TOKEN_FORMAT = /^skp_[A-Za-z0-9]+\.[A-Za-z0-9]+$/;

export type SignInInput = { ok: true; origin: string; token: string } | { ok: false; message: string };

export function parseSignIn(serverUrlInput: string, tokenInput: string): SignInInput {
  const origin = normaliseServerUrl(serverUrlInput);
  if (!origin) return { ok: false, message: t('inputServerAddress') };
  const token = tokenInput.trim();
  if (token === '') {
    return { ok: false, message: t('inputPasteToken', `${origin}/portal/tokens`) };
  }
  if (!TOKEN_FORMAT.test(token)) {
    return {
      ok: false,
      message: t('inputNotAToken', `${origin}/portal/tokens`),
    };
  }
  return { ok: true, origin, token };
}
