// Benchmarks that load a server fork it from their own file, so the load generator and the server never share a
// thread: the child (SEATKEEPER_BENCH_ROLE=servers) starts the servers and sends what the parent needs to reach them.
import { type ChildProcess, fork } from 'node:child_process';

export const isServerProcess = () => process.env.SEATKEEPER_BENCH_ROLE === 'servers';

/** Forks `file` as the server process, waits for its ready message, runs `measure`, and always ends the child. */
export async function withForkedServers<Ready>(
  file: string,
  label: string,
  timeoutMs: number,
  measure: (ready: Ready) => Promise<void>,
): Promise<void> {
  await withForkedServerProcesses<Ready>(file, label, timeoutMs, [{}], ([ready]) => measure(ready as Ready));
}

/**
 * The same with several server processes (several instances), each forked with its own extra environment; `measure`
 * gets their ready messages in the same order.
 */
export async function withForkedServerProcesses<Ready>(
  file: string,
  label: string,
  timeoutMs: number,
  environments: Record<string, string>[],
  measure: (ready: Ready[]) => Promise<void>,
): Promise<void> {
  const children: ChildProcess[] = environments.map((env) =>
    fork(file, [], {
      env: { ...process.env, ...env, SEATKEEPER_BENCH_ROLE: 'servers' },
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  // Bounded: a stuck run reports and stops instead of holding the machine.
  const timeout = setTimeout(() => {
    console.error(`${label}: timed out`);
    for (const child of children) child.kill();
    process.exit(0);
  }, timeoutMs);
  try {
    const ready = await Promise.all(
      children.map(
        (child) =>
          new Promise<Ready>((resolve, reject) => {
            child.once('message', (message) => resolve(message as Ready));
            child.once('exit', (code) => reject(new Error(`server process exited early (${code})`)));
          }),
      ),
    );
    await measure(ready);
  } catch (error) {
    console.error(`${label} failed: ${String(error)}`);
  } finally {
    clearTimeout(timeout);
    // Each child closes its server and database once disconnected; wait for that (10 s at most) before going on.
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const killer = setTimeout(() => child.kill(), 10_000);
            child.once('exit', () => {
              clearTimeout(killer);
              resolve();
            });
            if (child.connected) child.disconnect();
          }),
      ),
    );
  }
}
