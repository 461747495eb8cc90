// Preloaded into a measured process (node --import): writes its peak resident memory in MB to the file named by
// SEATKEEPER_PEAK_FILE when it exits, so a benchmark can read a child's peak without an external tool.
import { writeFileSync } from 'node:fs';

const file = process.env.SEATKEEPER_PEAK_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS / 1024));
  });
}
