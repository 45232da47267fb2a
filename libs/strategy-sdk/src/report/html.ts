import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CandleColumns } from '@tradai/market-data';
import type { BacktestResult } from '../engine/types.js';
import { CLIENT_SCRIPT } from './client.js';
import { reportData } from './data.js';
import { formatNumber, formatPercent, formatTime, metricRows } from './format.js';

/** Trade rows rendered into the table; the full list is in the result file. */
export const MAX_TRADE_ROWS = 2_000;

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

/**
 * JSON safe inside a `<script>` element: `<`, `>` and `&` as \u escapes (so no `</script>` or
 * `<!--` can close the element), and U+2028/2029 escaped for old parsers. JSON.parse reads it back as-is.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A config value as a reader wants it: a stake fraction as a share of equity, objects as JSON. */
function configValue(key: string, value: unknown): string {
  if (key === 'stake' && typeof value === 'object' && value !== null && 'fraction' in value) {
    return `${formatPercent(Number(value.fraction), 1)} of equity`;
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

let chartLibrary: string | undefined;

/** The standalone build's file name: in the package's dist/, and beside main.mjs in a strategy image. */
export const CHART_LIBRARY_FILE = 'lightweight-charts.standalone.production.js';

/** Where the chart library is: the installed package, else beside the bundle (images have no node_modules). */
function chartLibraryPath(): string {
  try {
    // The package exports only its ESM entry and package.json; the standalone build sits beside them in dist/.
    return join(dirname(createRequire(import.meta.url).resolve('lightweight-charts/package.json')), 'dist', CHART_LIBRARY_FILE);
  } catch {
    // The strategy build copies the file next to main.mjs (tools/nx-plugin bundleBuild assets).
    return fileURLToPath(new URL(`./${CHART_LIBRARY_FILE}`, import.meta.url));
  }
}

/** The lightweight-charts standalone production build (sets `window.LightweightCharts`), read once. */
export function chartLibrarySource(): string {
  if (chartLibrary === undefined) {
    const path = chartLibraryPath();
    if (!existsSync(path)) throw new Error(`the HTML report needs ${CHART_LIBRARY_FILE}: not installed (npm ci) and not at ${path}`);
    chartLibrary = readFileSync(path, 'utf8').replace(/<\/script/gi, '<\\/script');
  }
  return chartLibrary;
}

/**
 * One self-contained HTML report of a backtest (no network: the chart library is inlined, the data
 * is embedded as JSON): metrics, equity curve, drawdown, candles per symbol with the trades marked,
 * and the trade list. `candles` are the candles the backtest ran on, keyed by symbol.
 */
export function renderReport(result: BacktestResult, candles: Readonly<Record<string, CandleColumns>>): string {
  const data = reportData(result, candles);
  const e = escapeHtml;
  const n = result.equityCurve.length;
  const span = n > 0 ? `${formatTime(result.equityCurve.timestamp[0]!)} → ${formatTime(result.equityCurve.timestamp[n - 1]!)} UTC` : 'no candles';
  const title = `${result.strategy} · ${result.timeframe} · ${result.symbols.join(', ')}`;

  const metrics = metricRows(result)
    .map((r) => `<tr><th scope="row">${e(r.label)}</th><td class="num ${r.tone}">${e(r.value)}</td></tr>`)
    .join('\n');

  const params = Object.entries(result.params);
  const paramRows = params.length
    ? params.map(([k, v]) => `<tr><th scope="row">${e(k)}</th><td>${e(String(v))}</td></tr>`).join('\n')
    : '<tr><td colspan="2" class="muted">none</td></tr>';
  const configRows = Object.entries(result.config)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<tr><th scope="row">${e(k)}</th><td>${e(configValue(k, v))}</td></tr>`)
    .join('\n');

  const shown = result.trades.slice(0, MAX_TRADE_ROWS);
  const tradeRows = shown
    .map(
      (t, i) =>
        `<tr><td class="num">${i + 1}</td><td>${e(t.pair)}</td><td>${e(t.side)}</td><td>${e(formatTime(t.openedAt))}</td><td>${e(formatTime(t.closedAt))}</td>` +
        `<td class="num">${e(formatNumber(t.openPrice, 4))}</td><td class="num">${e(formatNumber(t.closePrice, 4))}</td><td class="num">${e(formatNumber(t.amount, 6))}</td>` +
        `<td class="num">${e(formatNumber(t.stake))}</td><td class="num">${e(formatNumber(t.fees))}</td>` +
        `<td class="num ${t.profitAbs > 0 ? 'good' : t.profitAbs < 0 ? 'bad' : ''}">${e(formatNumber(t.profitAbs))}</td>` +
        `<td class="num ${t.profitAbs > 0 ? 'good' : t.profitAbs < 0 ? 'bad' : ''}">${e(formatPercent(t.profitRatio))}</td><td>${e(t.exitReason)}</td></tr>`,
    )
    .join('\n');
  const tradeNote =
    result.trades.length > shown.length ? `<p class="muted">First ${shown.length} of ${result.trades.length} trades; the result file has them all.</p>` : '';

  const priceCharts = data.symbols
    .map(
      (s, i) =>
        `<section><h2>${e(s.symbol)}</h2><p class="muted">${s.markers.length / 2} trades marked: ▲ entry (blue), exit coloured by outcome${
          s.barSize > 1 ? `; ${s.barSize} candles per bar (downsampled)` : ''
        }.</p><div class="chart price" id="price-chart-${i}"></div></section>`,
    )
    .join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`Backtest: ${title}`)}</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #0f172a; background: #f8fafc; }
  main { max-width: 1320px; margin: 0 auto; padding: 24px; }
  h1 { font-size: 22px; margin: 0 0 4px; overflow-wrap: anywhere; }
  h2 { font-size: 16px; margin: 0 0 8px; overflow-wrap: anywhere; }
  section { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 16px; margin: 16px 0; }
  .muted { color: #64748b; margin: 0 0 8px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 16px; }
  .grid > section { margin: 0; }
  table { border-collapse: collapse; width: 100%; }
  th, td { padding: 4px 8px; border-bottom: 1px solid #f1f5f9; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
  th[scope="row"] { font-weight: 500; color: #475569; white-space: nowrap; }
  .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .good { color: #15803d; }
  .bad { color: #b91c1c; }
  .chart { width: 100%; height: 320px; }
  .chart.small { height: 200px; }
  .chart.price { height: 420px; }
  .trades { max-height: 560px; overflow: auto; }
  .trades table { font-size: 13px; }
  .trades thead th { position: sticky; top: 0; background: #f8fafc; border-bottom: 1px solid #cbd5e1; white-space: nowrap; }
</style>
</head>
<body>
<main>
<h1>${e(title)}</h1>
<p class="muted">${e(span)} · ${e(String(n))} candles · ${e(String(result.trades.length))} trades</p>
<div class="grid">
<section><h2>Metrics</h2><table class="metrics">
${metrics}
</table></section>
<section><h2>Parameters</h2><table class="params">
${paramRows}
</table><h2 style="margin-top:16px">Config</h2><table class="config">
${configRows}
</table></section>
</div>
<section><h2>Equity</h2><div class="chart" id="equity-chart"></div></section>
<section><h2>Drawdown</h2><div class="chart small" id="drawdown-chart"></div></section>
${priceCharts}
<section><h2>Trades</h2>${tradeNote}<div class="trades"><table>
<thead><tr><th>#</th><th>Pair</th><th>Side</th><th>Opened (UTC)</th><th>Closed (UTC)</th><th class="num">Open</th><th class="num">Close</th><th class="num">Amount</th><th class="num">Stake</th><th class="num">Fees</th><th class="num">Profit</th><th class="num">Profit %</th><th>Exit</th></tr></thead>
<tbody>
${tradeRows || '<tr><td colspan="13" class="muted">no trades</td></tr>'}
</tbody></table></div></section>
</main>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${chartLibrarySource()}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
