/** The loan benchmark's output: tables collected and printed at the end, progress on stderr. */

/** Tables are collected and printed at the end (the dev server writes its banner to stdout). */
export const report: string[] = [];
export const print = (line = '') => report.push(line);

export function progress(message: string): void {
  process.stderr.write(`[bench:loans] ${message}\n`);
}

export function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  print(line(header));
  print(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) print(line(row));
  print();
}
