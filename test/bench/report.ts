// Prints benchmark figures beside their targets, one line each.

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** An upper bound unless `atLeast` is set. */
  target?: number;
  atLeast?: boolean;
  runs?: readonly number[];
}

const format = (value: number, unit: string) =>
  `${value >= 100 ? Math.round(value).toLocaleString('en-GB') : value.toFixed(2)} ${unit}`;

export function report(title: string, figures: readonly Figure[]): void {
  console.log(`\n== ${title}`);
  for (const figure of figures) {
    let verdict = '';
    if (figure.target !== undefined) {
      const met = figure.atLeast ? figure.value >= figure.target : figure.value <= figure.target;
      verdict = `  target ${figure.atLeast ? '>=' : '<='} ${format(figure.target, figure.unit)}  ${met ? 'MET' : 'MISSED'}`;
    }
    const runs = figure.runs ? `  runs: ${figure.runs.map((r) => Math.round(r)).join(', ')}` : '';
    console.log(`  ${figure.name.padEnd(44)} ${format(figure.value, figure.unit).padStart(12)}${verdict}${runs}`);
  }
}
