// Storage items, declared once with their types and defaults.
import { storage } from 'wxt/utils/storage';
import type { StoredEnvironment } from './environment-rules.ts';

/** Filled by the background from the server's /api/v1/environments; content scripts only read it. */
export const environmentRules = storage.defineItem<StoredEnvironment[]>('local:environmentRules', { fallback: [] });
