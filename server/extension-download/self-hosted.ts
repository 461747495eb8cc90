// Installing the extension without a store: the signed packages an organisation puts in EXTENSION_DIR (a CRX packed
// with its key, a Mozilla-signed XPI) and the update manifests Chrome and Firefox poll, written from the packages
// themselves: the CRX's id from its signed header, each version and the add-on's id from its manifest.
import { readFile } from 'node:fs/promises';
import JSZip from 'jszip';
import type { Config } from '../config.ts';
import { type ExtensionPackage, newestPackage } from './package.ts';

export interface PackageFacts {
  file: ExtensionPackage;
  /** Chrome: the 32-letter extension id; Firefox: browser_specific_settings.gecko.id. */
  id: string;
  version: string;
}

/** A field of a protobuf message: its bytes when it is length-delimited. */
function protobufField(bytes: Uint8Array, wanted: number): Uint8Array | undefined {
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      if (byte === undefined) throw new Error('truncated');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const type = key % 8;
    if (type === 2) {
      const length = varint();
      if (field === wanted) return bytes.subarray(at, at + length);
      at += length;
    } else if (type === 0) varint();
    else if (type === 5) at += 4;
    else if (type === 1) at += 8;
    else return undefined;
  }
  return undefined;
}

/**
 * A CRX3 file: "Cr24", version 3, the header's length, the header (a CrxFileHeader protobuf whose field 10000 is the
 * signed data, whose field 1 is the 16-byte id), then the zip. Ids are written with the letters a to p for 0 to 15.
 */
export function readCrx(bytes: Uint8Array): { id: string; zip: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== 'Cr24' || view.getUint32(4, true) !== 3)
    throw new Error('not a CRX3 file');
  const headerLength = view.getUint32(8, true);
  const header = bytes.subarray(12, 12 + headerLength);
  const signed = protobufField(header, 10_000);
  const crxId = signed && protobufField(signed, 1);
  if (crxId?.length !== 16) throw new Error('the CRX header names no extension id');
  const id = [...crxId].map((b) => String.fromCharCode(97 + (b >> 4), 97 + (b & 15))).join('');
  return { id, zip: bytes.subarray(12 + headerLength) };
}

async function manifestOf(zip: Uint8Array): Promise<Record<string, unknown>> {
  const archive = await JSZip.loadAsync(zip);
  const manifest = archive.file('manifest.json');
  if (!manifest) throw new Error('no manifest.json in the package');
  return JSON.parse(await manifest.async('string')) as Record<string, unknown>;
}

export async function chromePackage(config: Pick<Config, 'extensionDir'>): Promise<PackageFacts | null> {
  const file = await newestPackage(config, /\.crx$/);
  if (!file) return null;
  const { id, zip } = readCrx(new Uint8Array(await readFile(file.path)));
  const manifest = await manifestOf(zip);
  return { file, id, version: String(manifest.version) };
}

export async function firefoxPackage(config: Pick<Config, 'extensionDir'>): Promise<PackageFacts | null> {
  const file = await newestPackage(config, /\.xpi$/);
  if (!file) return null;
  const manifest = await manifestOf(new Uint8Array(await readFile(file.path)));
  const settings = (manifest.browser_specific_settings ?? manifest.applications) as
    | { gecko?: { id?: string } }
    | undefined;
  const id = settings?.gecko?.id;
  if (!id) throw new Error('the XPI names no add-on id (browser_specific_settings.gecko.id)');
  return { file, id, version: String(manifest.version) };
}

const xmlAttribute = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Chrome's update manifest (the gupdate protocol) for the packed CRX. */
export const chromeUpdateManifest = (facts: PackageFacts, crxUrl: string) =>
  `<?xml version='1.0' encoding='UTF-8'?>
<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>
  <app appid='${xmlAttribute(facts.id)}'>
    <updatecheck codebase='${xmlAttribute(crxUrl)}' version='${xmlAttribute(facts.version)}' />
  </app>
</gupdate>
`;

/** Firefox's update manifest for the signed XPI. */
export const firefoxUpdateManifest = (facts: PackageFacts, xpiUrl: string) => ({
  addons: { [facts.id]: { updates: [{ version: facts.version, update_link: xpiUrl }] } },
});
