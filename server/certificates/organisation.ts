// The organisation that issues certificates and credentials: its name, web site, contact address and logo, set by an
// administrator. Until then the issuer is named after the server's public host.
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';
import { cleanDisplayText } from './names.ts';
import type { OrganisationProfileRow } from './tables.ts';

export interface Organisation {
  name: string;
  url: string | null;
  email: string | null;
  logo: { bytes: Uint8Array; type: 'image/png' | 'image/jpeg' } | null;
  updatedAt: string | null;
}

/** Largest logo accepted: it is printed on every certificate and embedded in every badge image. */
export const LOGO_MAX_BYTES = 200 * 1024;

export const organisationBody = z.strictObject({
  name: z
    .string()
    .transform(cleanDisplayText)
    .pipe(
      z.string().min(2, "Give the organisation's name (2 to 200 characters).").max(200, 'Use at most 200 characters.'),
    ),
  url: z
    .url({ protocol: /^https?$/, message: 'Give the web site as an http:// or https:// address.' })
    .max(500, 'Use at most 500 characters.')
    .nullable()
    .optional(),
  email: z.email('Give a contact email address, e.g. certification@example.com.').max(254).nullable().optional(),
});
export type OrganisationInput = z.infer<typeof organisationBody>;

const fromRow = (row: OrganisationProfileRow): Organisation => ({
  name: row.name,
  url: row.url,
  email: row.email,
  logo:
    row.logo_base64 && row.logo_type
      ? { bytes: new Uint8Array(Buffer.from(row.logo_base64, 'base64')), type: row.logo_type }
      : null,
  updatedAt: row.updated_at,
});

export async function organisation(deps: Deps): Promise<Organisation> {
  const row = await deps.db.selectFrom('organisation_profile').selectAll().where('id', '=', 1).executeTakeFirst();
  if (row) return fromRow(row);
  return { name: new URL(deps.config.publicUrl).host, url: null, email: null, logo: null, updatedAt: null };
}

/** The image type of a logo from its first bytes (the upload's declared type is not trusted), or null. */
export function logoType(bytes: Uint8Array): 'image/png' | 'image/jpeg' | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length > 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}

/** Saves the profile; `logo` undefined keeps the current one, null removes it. */
export async function saveOrganisation(
  deps: Deps,
  input: OrganisationInput,
  logo: Uint8Array | null | undefined,
): Promise<Organisation> {
  let logoColumns: Pick<OrganisationProfileRow, 'logo_base64' | 'logo_type'> | undefined;
  if (logo === null) logoColumns = { logo_base64: null, logo_type: null };
  else if (logo !== undefined) {
    const type = logoType(logo);
    if (!type) {
      const message = 'Upload the logo as a PNG or JPEG image.';
      throw new ApiError(400, 'logo_not_an_image', message, { logo: message });
    }
    if (logo.length > LOGO_MAX_BYTES) {
      const message = `Upload a logo of at most ${LOGO_MAX_BYTES / 1024} KiB.`;
      throw new ApiError(400, 'logo_too_large', message, { logo: message });
    }
    logoColumns = { logo_base64: Buffer.from(logo).toString('base64'), logo_type: type };
  }
  const values = {
    name: input.name,
    url: input.url ?? null,
    email: input.email ?? null,
    updated_at: deps.clock().toISOString(),
    ...logoColumns,
  };
  await deps.db
    .insertInto('organisation_profile')
    .values({ id: 1, logo_base64: null, logo_type: null, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
  return organisation(deps);
}
