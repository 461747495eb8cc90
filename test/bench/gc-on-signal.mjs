// Preloaded into a server a benchmark measures (NODE_OPTIONS=--import): on SIGUSR2 the main thread collects its
// garbage fully, so the memory read from /metrics next is what the server holds, not what it has not collected yet.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc');
  process.on('SIGUSR2', () => collect());
}
