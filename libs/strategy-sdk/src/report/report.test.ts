import { generateCandles, type CandleColumns } from '@tradai/market-data';
import { describe, expect, it } from 'vitest';
import smaCross from '../cli/__fixtures__/apps/strategies/sma-cross/src/strategy.js';
import { runBacktest } from '../engine/backtest.js';
import type { BacktestResult } from '../engine/types.js';
import { escapeHtml, jsonForScript, renderReport } from './html.js';
import { metricsText } from './format.js';
import { reportData } from './data.js';

const START = Date.UTC(2024, 0, 1);
const config = { startingBalance: 10_000, stake: { fraction: 0.5 }, maxOpenTrades: 2, feeRate: 0.001, slippage: 0 };

function backtest(count = 600): { result: BacktestResult; candles: Record<string, CandleColumns> } {
  const candles = {
    'BTC/USDT': generateCandles({ symbol: 'BTC/USDT', timeframe: '1h', start: START, count, seed: 1 }),
    'ETH/USDT': generateCandles({ symbol: 'ETH/USDT', timeframe: '1h', start: START, count, seed: 2 }),
  };
  const result = runBacktest({ strategy: smaCross, params: {}, candles, timeframe: '1h', config });
  return { result, candles };
}

/** The JSON the report embeds, read back the way the browser script does. */
function embedded(html: string): ReturnType<typeof reportData> {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no data block');
  return JSON.parse(m[1]!);
}

describe('renderReport', () => {
  const { result, candles } = backtest();
  const html = renderReport(result, candles);

  it('is one HTML document with the metrics, charts and every trade', () => {
    expect(result.trades.length).toBeGreaterThan(3);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain(`<td class="num ${result.metrics.total_return > 0 ? 'good' : 'bad'}">${(result.metrics.total_return * 100).toFixed(2)} %</td>`);
    for (const label of ['Total return', 'CAGR', 'Sharpe', 'Sortino', 'Max drawdown', 'Max drawdown duration', 'Win rate', 'Profit factor', 'Exposure', 'Trades', 'Final balance']) {
      expect(html).toContain(`<th scope="row">${label}</th>`);
    }
    expect(html).toContain('id="equity-chart"');
    expect(html).toContain('id="drawdown-chart"');
    expect(html).toContain('id="price-chart-0"');
    expect(html).toContain('id="price-chart-1"');
    const tbody = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
    expect(tbody.match(/<tr>/g)).toHaveLength(result.trades.length);
  });

  it('embeds chart data that matches the result: equity, drawdown <= 0, and two markers per trade', () => {
    const data = embedded(html);
    expect(data.equity).toHaveLength(result.equityCurve.length);
    expect(data.equity.at(-1)![1]).toBeCloseTo(result.finalBalance, 2);
    expect(Math.min(...data.drawdown.map((p) => p[1]))).toBeCloseTo(-result.metrics.max_drawdown * 100, 3);
    expect(data.drawdown.every((p) => p[1] <= 0)).toBe(true);
    const markers = data.symbols.reduce((n, s) => n + s.markers.length, 0);
    expect(markers).toBe(2 * result.trades.length);
    expect(data.symbols.map((s) => s.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
  });

  it('loads nothing from the network: the chart library is inline, no src/href points outside', () => {
    expect(html).toContain('window.LightweightCharts=');
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<(img|iframe|a|source|video|audio)\b[^>]*\s(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
    // The library's one link (its attribution logo) is turned off in the chart options.
    expect(html).toContain('attributionLogo: false');
  });

  it('escapes names and parameters, in the markup and in the embedded JSON', () => {
    const evil = '</script><script>alert(1)</script>';
    const tampered: BacktestResult = { ...result, strategy: evil, params: { note: evil, fast: 5 } };
    const out = renderReport(tampered, { [evil]: candles['BTC/USDT']! });
    expect(out).not.toContain('<script>alert(1)');
    expect(out).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    // Script elements: JSON data, the library, the client; nothing injected.
    expect(out.match(/<script\b/g)).toHaveLength(3);
    expect(embedded(out).symbols[0]!.symbol).toBe(evil);
  });

  it('downsamples long series into OHLC bars that keep the extremes', () => {
    const long = backtest(3_000);
    const data = reportData(long.result, long.candles, 500);
    const btc = data.symbols[0]!;
    expect(btc.barSize).toBe(6);
    expect(btc.bars).toHaveLength(500);
    const c = long.candles['BTC/USDT']!;
    expect(Math.max(...btc.bars.map((b) => b[2]))).toBe(Math.max(...c.high));
    expect(Math.min(...btc.bars.map((b) => b[3]))).toBe(Math.min(...c.low));
    expect(data.equity).toHaveLength(500);
    expect(Math.min(...data.drawdown.map((p) => p[1]))).toBeCloseTo(-long.result.metrics.max_drawdown * 100, 3);
    // Every marker sits on a bar.
    const times = new Set(btc.bars.map((b) => b[0]));
    expect(btc.markers.every((m) => times.has(m.time))).toBe(true);
  });
});

describe('escaping helpers', () => {
  it('escapeHtml escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('jsonForScript cannot close its script element and parses back unchanged', () => {
    const value = { s: '</script><!-- & \u2028' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('metricsText', () => {
  it('aligns labels and values in two columns', () => {
    const lines = metricsText(backtest(300).result).split('\n');
    expect(lines).toHaveLength(12);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[0]).toMatch(/^Total return\s+-?\d+\.\d\d %$/);
  });
});
