// Where the personal access token is kept (issue 7, Security): in session storage, which content scripts cannot
// read, and in local storage as well only when the admin chose "remember on this device".
import { browser } from 'wxt/browser';
import { rememberedToken, sessionToken } from '../storage.ts';

/** Session storage is for trusted contexts only (Chrome's default, made explicit; Firefox never shares it). */
export async function protectSessionStorage(): Promise<void> {
  await browser.storage.session.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' });
}

export async function currentToken(): Promise<string | null> {
  return (await sessionToken.getValue()) ?? (await rememberedToken.getValue());
}

export async function keepToken(token: string, remember: boolean): Promise<void> {
  await sessionToken.setValue(token);
  if (remember) await rememberedToken.setValue(token);
  else await rememberedToken.removeValue();
}

export async function forgetToken(): Promise<void> {
  await sessionToken.removeValue();
  await rememberedToken.removeValue();
}
