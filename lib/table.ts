/**
 * Plain-text tables for command output (`npm run versions`, `catalog`): columns padded to the widest
 * cell, two spaces apart, no trailing spaces, no colours (so output diffs and pipes cleanly).
 */

/**
 * Formats rows as columns padded to the widest cell, under a header row.
 *
 * @param header column titles, e.g. `['NAME', 'VERSION']`
 * @param rows one array of cells per row; a missing cell prints as empty
 * @returns the table, lines joined by `\n`, without a final newline
 */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  return [header, ...rows].map((cells) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}
