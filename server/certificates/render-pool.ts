// Certificates (and badge images) are drawn in worker threads, so producing PDFs never holds up other requests: drawing one takes a few
// milliseconds of CPU, and a burst of downloads would otherwise queue every page and health check behind it.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { BadgeDrawing } from './badge-image.ts';
import type { CertificateDocument } from './pdf.ts';

let pool: Piscina | undefined;

function renderPool(): Piscina {
  pool ??= new Piscina({
    filename: new URL('./render-worker.mjs', import.meta.url).href,
    // One thread per core: the main thread mostly waits on I/O while the threads draw.
    maxThreads: Math.max(1, availableParallelism()),
    minThreads: 1,
    idleTimeout: 60_000,
  });
  return pool;
}

/** The PDF of one certificate, drawn on a worker thread. */
export async function renderInPool(doc: CertificateDocument): Promise<Uint8Array> {
  const bytes = (await renderPool().run(doc)) as Uint8Array;
  return bytes;
}

/** A badge image, drawn on a worker thread. */
export async function renderBadgeInPool(badge: BadgeDrawing): Promise<Uint8Array> {
  return (await renderPool().run(badge, { name: 'renderBadge' })) as Uint8Array;
}

/** Starts the threads and parses their fonts ahead of the first download (the server does at start). */
export function warmRenderPool(): void {
  renderPool();
}

/** Ends the threads (tests and the benchmark, so the process can exit). */
export async function closeRenderPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.destroy();
}
