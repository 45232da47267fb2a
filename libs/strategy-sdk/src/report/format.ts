import type { BacktestResult } from '../engine/types.js';

/** One row of the metrics table: what the CLI prints and the HTML report shows. */
export interface MetricRow {
  readonly label: string;
  readonly value: string;
  /** Sign of the value for colouring (positive / negative / neutral). */
  readonly tone: 'good' | 'bad' | 'neutral';
}

const DAY_MS = 86_400_000;

/** `0.1234` -> `12.34 %`; null -> `n/a`. */
export function formatPercent(ratio: number | null, digits = 2): string {
  if (ratio === null || !Number.isFinite(ratio)) return 'n/a';
  return `${(ratio * 100).toFixed(digits)} %`;
}

/** Fixed-digit number with thousands separators; null -> `n/a`. */
export function formatNumber(value: number | null, digits = 2): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A duration in the largest sensible unit: `12.5 days`, `7.0 h`, `45 min`. */
export function formatDuration(ms: number): string {
  if (!(ms > 0)) return '0';
  if (ms >= DAY_MS) return `${(ms / DAY_MS).toFixed(1)} days`;
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${Math.round(ms / 60_000)} min`;
}

/** Epoch ms -> `2024-01-01 13:00` (UTC). */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

function tone(value: number | null): MetricRow['tone'] {
  if (value === null || value === 0) return 'neutral';
  return value > 0 ? 'good' : 'bad';
}

/** The summary metrics of a result, formatted, in reading order. */
export function metricRows(result: BacktestResult): MetricRow[] {
  const m = result.metrics;
  return [
    { label: 'Total return', value: formatPercent(m.total_return), tone: tone(m.total_return) },
    { label: 'CAGR', value: formatPercent(m.cagr), tone: tone(m.cagr) },
    { label: 'Sharpe', value: formatNumber(m.sharpe), tone: tone(m.sharpe) },
    { label: 'Sortino', value: formatNumber(m.sortino), tone: tone(m.sortino) },
    { label: 'Max drawdown', value: formatPercent(m.max_drawdown === 0 ? 0 : -m.max_drawdown), tone: m.max_drawdown > 0 ? 'bad' : 'neutral' },
    { label: 'Max drawdown duration', value: formatDuration(m.max_drawdown_duration_ms), tone: 'neutral' },
    { label: 'Win rate', value: formatPercent(m.win_rate, 1), tone: 'neutral' },
    { label: 'Profit factor', value: formatNumber(m.profit_factor), tone: m.profit_factor === null ? 'neutral' : tone(m.profit_factor - 1) },
    { label: 'Exposure', value: formatPercent(m.exposure, 1), tone: 'neutral' },
    { label: 'Trades', value: String(m.trade_count), tone: 'neutral' },
    { label: 'Starting balance', value: formatNumber(result.startingBalance), tone: 'neutral' },
    { label: 'Final balance', value: formatNumber(result.finalBalance), tone: tone(result.finalBalance - result.startingBalance) },
  ];
}

/** The metrics as an aligned two-column text table (what the CLI prints). */
export function metricsText(result: BacktestResult): string {
  const rows = metricRows(result);
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  const valueWidth = Math.max(...rows.map((r) => r.value.length));
  return rows.map((r) => `${r.label.padEnd(labelWidth)}  ${r.value.padStart(valueWidth)}`).join('\n');
}
