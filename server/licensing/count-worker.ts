// The main-thread side of recount-worker.ts: one thread for the process, started on first use (or at server start)
// and kept, so a recount does not pay for starting a thread, registering tsx and loading the engine each time.
import type { Worker } from 'node:worker_threads';
import type { FullCountAnswer } from './full-count.ts';
import type { CountJob } from './recount-worker.ts';
import { typeScriptWorker } from './typescript-worker.ts';

type Reply = { answer: FullCountAnswer; milliseconds: number } | { error: string };

/** Jobs run one at a time, in order; the idle thread does not keep the process alive. */
class CountWorker {
  #worker: Worker | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  /** Starts the thread ahead of the first job (the server does at start), so that one is not slower. */
  warm(): void {
    this.#worker ??= this.#start();
  }

  run(job: CountJob): Promise<{ answer: FullCountAnswer; milliseconds: number }> {
    const result = this.#queue.then(() => this.#run(job));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #start(): Worker {
    const worker = typeScriptWorker(new URL('./recount-worker.ts', import.meta.url));
    worker.unref();
    return worker;
  }

  #run(job: CountJob): Promise<{ answer: FullCountAnswer; milliseconds: number }> {
    this.#worker ??= this.#start();
    const worker = this.#worker;
    return new Promise((resolve, reject) => {
      const settle = () => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        worker.unref();
      };
      const onMessage = (reply: Reply) => {
        settle();
        if ('error' in reply) reject(new Error(reply.error));
        else resolve(reply);
      };
      const onError = (error: Error) => {
        settle();
        this.#worker = null;
        void worker.terminate();
        reject(error);
      };
      const onExit = (exitCode: number) => {
        settle();
        this.#worker = null;
        reject(new Error(`the count worker stopped (exit code ${exitCode})`));
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.ref();
      worker.postMessage(job);
    });
  }
}

export const countWorker = new CountWorker();
