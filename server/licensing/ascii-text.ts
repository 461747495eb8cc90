// Node's reading of user-list bytes that are all ASCII (user-list-decoder.ts): `isAscii` checks them with SIMD and
// Latin-1 copies them, about three times faster than a strict TextDecoder over a million-row list when measured
// (16-20 ms against 60-76 ms for 72 MB).
import { Buffer, isAscii } from 'node:buffer';
import type { AsciiText } from '../../shared/licensing/user-list-decoder.ts';

/**
 * Node copies a Latin-1 text shorter than about a megabyte (its EXTERN_APEX, 1,031,913 bytes) into the JavaScript heap,
 * and keeps a longer one outside it as an external string, which the reader's loops read about 8 % slower when
 * measured: longer pieces are left to the TextDecoder. The CLI reads its files in pieces below this (file-chunks.ts).
 */
export const ASCII_TEXT_MAX_BYTES = 1_000_000;

export const asciiText: AsciiText = (bytes) =>
  bytes.length <= ASCII_TEXT_MAX_BYTES && isAscii(bytes)
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1')
    : undefined;
