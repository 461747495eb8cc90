// A worker thread taking units from the front of shared UnitClaims (server/cli/unit-claims.ts) as the reading worker
// does, for test/cli/unit-claims.test.ts: it waits for `go`, then counts each unit it takes in `taken` (one Int32 slot
// per unit) and answers with how many it took.
import { parentPort, workerData } from 'node:worker_threads';
import { UnitClaims } from '../../server/cli/unit-claims.ts';

if (parentPort && workerData) {
  const { claims, taken, go } = workerData as {
    claims: SharedArrayBuffer;
    taken: SharedArrayBuffer;
    go: SharedArrayBuffer;
  };
  const counts = new Int32Array(taken);
  const start = new Int32Array(go);
  parentPort.postMessage('ready');
  Atomics.wait(start, 0, 0);
  const units = new UnitClaims(claims);
  let mine = 0;
  for (let u = units.fromFront(); u !== -1; u = units.fromFront()) {
    Atomics.add(counts, u, 1);
    mine++;
  }
  parentPort.postMessage(mine);
}
