// A file's bytes in chunks of about a megabyte read into one buffer used again and again: a stream's new buffer per chunk
// made tens of megabytes of memory outside the JavaScript heap for a large list, and the garbage collector ran for it
// ("external memory pressure") on both reading threads. The chunk handed out is only valid until the next one is
// asked for: the user-list reader decodes it at once and copies what it keeps (user-list-decoder.ts).
import { closeSync, openSync, readSync } from 'node:fs';
import { ASCII_TEXT_MAX_BYTES } from '../licensing/ascii-text.ts';

/** A little under a megabyte: a chunk of ASCII is then read as text in the JavaScript heap (ascii-text.ts). */
const CHUNK_BYTES = Math.min(960 << 10, ASCII_TEXT_MAX_BYTES);

/** The bytes of `path` from `start` up to `end` (exclusive; the file's end by default). */
export function* fileChunks(path: string, start = 0, end = Number.POSITIVE_INFINITY): Generator<Uint8Array> {
  const file = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(CHUNK_BYTES);
    for (let position = start; position < end; ) {
      const read = readSync(file, buffer, 0, Math.min(CHUNK_BYTES, end - position), position);
      if (read === 0) return;
      position += read;
      yield buffer.subarray(0, read);
    }
  } finally {
    closeSync(file);
  }
}
