// The browser extension as built on this server: the Chrome zip that `npm run build:ext` leaves in EXTENSION_DIR.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.ts';

export interface ExtensionPackage {
  path: string;
  fileName: string;
  bytes: number;
  builtAt: Date;
}

/** The newest file in EXTENSION_DIR whose name matches, if any. */
export async function newestPackage(
  config: Pick<Config, 'extensionDir'>,
  pattern: RegExp,
): Promise<ExtensionPackage | null> {
  let names: string[];
  try {
    names = await readdir(config.extensionDir);
  } catch {
    return null; // never built here
  }
  let newest: ExtensionPackage | null = null;
  for (const fileName of names.filter((name) => pattern.test(name))) {
    const path = join(config.extensionDir, fileName);
    const info = await stat(path);
    if (info.isFile() && (!newest || info.mtime > newest.builtAt)) {
      newest = { path, fileName, bytes: info.size, builtAt: info.mtime };
    }
  }
  return newest;
}

/** The newest Chrome zip (wxt names it seatkeeper-<version>-chrome.zip), if any. */
export const findChromePackage = (config: Pick<Config, 'extensionDir'>) => newestPackage(config, /-chrome\.zip$/);
