import type { SeriesSyncResult } from './sync.js';

const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString().replace(':00.000Z', 'Z'));

/** The per-series report of a sync as an aligned text table (pure). */
export function formatSyncTable(results: readonly SeriesSyncResult[]): string {
  const header = ['symbol', 'timeframe', 'status', 'fetched', 'written', 'first', 'last', 'error'];
  const rows = results.map((r) => [r.symbol, r.timeframe, r.status, String(r.fetched), String(r.written), iso(r.first), iso(r.last), r.error ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 3 || i === 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
