// Preloaded into a measured process (node --import): writes its peak resident memory in MB and the CPU time of all its
// threads in ms (user and system) to the file named by SEATKEEPER_PEAK_FILE when it exits, so a benchmark can read a
// child's figures without an external tool.
import { writeFileSync } from 'node:fs';

const file = process.env.SEATKEEPER_PEAK_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, `${usage.maxRSS / 1024} ${(usage.userCPUTime + usage.systemCPUTime) / 1000}`);
  });
}
