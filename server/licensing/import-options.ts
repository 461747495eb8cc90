// How an import reads its list and what it shows before counting: stored with the import (licence_imports.options
// and .preview) so any instance can run, show or confirm it.
import { z } from 'zod';
import type { ColumnReading } from '../../shared/licensing/user-list-columns.ts';

export const ENCODINGS = ['utf-8', 'shift_jis', 'windows-1252'] as const;

/** Fields an admin may choose for a column (the import's own columns). */
export const CHOOSABLE_FIELDS = [
  'environment',
  'production',
  'provider',
  'tenant',
  'username',
  'email',
  'active',
  'it_user',
  'role',
] as const;

export const columnChoices = z.record(z.string().max(200), z.enum(CHOOSABLE_FIELDS).nullable());

export const importOptions = z.object({
  encoding: z.enum(ENCODINGS).default('utf-8'),
  /** Every row is this provider's (rows naming none included), and it is replaced even by an empty list. */
  provider: z.string().trim().min(1).max(100).optional(),
  /** Stop once checked and show what would change (the portal); the API switches at once. */
  confirm: z.boolean().default(false),
  strict: z.boolean().default(false),
  defaultTenant: z.string().trim().min(1).max(100).optional(),
  /** Column choices (by header); in the portal, remembered per provider once confirmed. */
  columns: columnChoices.optional(),
});

export type ImportOptions = z.input<typeof importOptions> & z.output<typeof importOptions>;

export function readOptions(stored: string): ImportOptions {
  return importOptions.parse(JSON.parse(stored));
}

export interface FiguresChange {
  internal: { before: number; after: number };
  external: { before: number; after: number };
}

/** What an import would change, shown before an admin confirms it. */
export interface ImportPreview {
  platform: string;
  columns: ColumnReading[];
  /** Rows per provider of the environment imported into. */
  providers: {
    provider: string;
    rows: number;
    kept: number;
    added: number;
    removed: number;
    sharedEmails: number;
    sharedUsernames: number;
    examples: string[];
  }[];
  /** Deduplicated totals of the installation, and of the environment imported into. */
  installation: FiguresChange;
  environment: FiguresChange;
  /** Rows that are no account (anonymous users, rule 2), skipped. */
  anonymous: number;
}
