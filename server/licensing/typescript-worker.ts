// A worker thread running one of this folder's TypeScript modules: it registers tsx first, as the server's own
// process does, so the module is loaded from source like the rest of the server.
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function typeScriptWorker(module: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const load = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(load, { ...options, eval: true });
}
