// The message keys: every key the English catalog defines. Every other catalog must define exactly these (the type
// checks it).
import type { en } from './catalogs/en.ts';

export type MessageKey = keyof typeof en;
export type Catalog = Record<MessageKey, string>;
