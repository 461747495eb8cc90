// A one-line progress bar on stderr, so stdout stays clean for the report.

export function progressBar(stream: NodeJS.WritableStream, label: string) {
  const width = 30;
  let shown = -1;
  const draw = (fraction: number) => {
    const percent = Math.floor(fraction * 100);
    if (percent === shown) return;
    shown = percent;
    const filled = Math.round((percent / 100) * width);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}%`);
  };
  return {
    update: draw,
    done() {
      draw(1);
      stream.write('\n');
    },
    clear() {
      if (shown >= 0) stream.write('\n');
    },
  };
}
