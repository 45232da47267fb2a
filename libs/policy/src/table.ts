/** Right-align columns whose header is listed here (numbers). */
export interface TableOptions {
  readonly alignRight?: readonly number[];
}

/**
 * A plain-text table: a header, a rule line, then rows; columns padded to their widest cell.
 * The last column is never padded, so long messages do not push anything.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => {
        if (i === cells.length - 1) return c;
        return options.alignRight?.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
