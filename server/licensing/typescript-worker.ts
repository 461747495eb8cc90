// A worker thread running one of this folder's TypeScript modules: it registers tsx first, as the server's own
// process does, so the module is loaded from source like the rest of the server.
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function typeScriptWorker(module: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const load = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(load, { ...options, eval: true });
}

/**
 * What a worker that answers with one message comes to: `outcome` of that message (a throw rejects), or the worker's
 * error, or its exit before answering, named by `name`. `interim` is told each message first: one it takes (news on
 * the way, returning true) is not the answer.
 */
export function workerOutcome<M, T>(
  worker: Worker,
  name: string,
  outcome: (message: M) => T,
  interim: (message: M) => boolean = () => false,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const answer = (message: M) => {
      if (interim(message)) return;
      worker.off('message', answer);
      try {
        resolve(outcome(message));
      } catch (error) {
        reject(error);
      }
    };
    worker.on('message', answer);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${name} stopped (exit code ${code})`)));
  });
}
