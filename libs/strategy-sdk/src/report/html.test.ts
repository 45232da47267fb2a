import { describe, expect, it } from 'vitest';
import { CLIENT_SCRIPT } from './client.js';
import { CHART_LIBRARY_FILE, jsonForScript, MAX_TRADE_ROWS, renderReport } from './html.js';
import { candles, HOUR, result, T0, trade } from './test-support.js';

const tbody = (html: string) => html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));

describe('renderReport: rendered values', () => {
  it('titles the page with strategy, timeframe and symbols, escaped', () => {
    const html = renderReport(result({ strategy: 'a<b>&"c\'', symbols: ['BTC/USDT', 'ETH/USDT'] }), {});
    expect(html).toContain('<title>Backtest: a&lt;b&gt;&amp;&quot;c&#39; · 1h · BTC/USDT, ETH/USDT</title>');
    expect(html).toContain('<h1>a&lt;b&gt;&amp;&quot;c&#39; · 1h · BTC/USDT, ETH/USDT</h1>');
  });

  it('states the span, candle count and trade count', () => {
    const html = renderReport(result({ equity: [1, 2, 3] }), {});
    expect(html).toContain('<p class="muted">2024-01-01 00:00 → 2024-01-01 02:00 UTC · 3 candles · 1 trades</p>');
    expect(renderReport(result({ equity: [], trades: [] }), {})).toContain('<p class="muted">no candles · 0 candles · 0 trades</p>');
  });

  it('renders metric rows with their tone class', () => {
    const html = renderReport(result(), {});
    expect(html).toContain('<tr><th scope="row">Total return</th><td class="num good">12.34 %</td></tr>');
    expect(html).toContain('<tr><th scope="row">Max drawdown</th><td class="num bad">-25.00 %</td></tr>');
    expect(html).toContain('<tr><th scope="row">Trades</th><td class="num neutral">4</td></tr>');
  });

  it('renders parameters (escaped), "none" without any, and config values readably', () => {
    const html = renderReport(result({ params: { fast: 5, 'x<y': 'a&b' } }), {});
    expect(html).toContain('<tr><th scope="row">fast</th><td>5</td></tr>');
    expect(html).toContain('<tr><th scope="row">x&lt;y</th><td>a&amp;b</td></tr>');
    expect(html).not.toContain('class="muted">none</td>');
    expect(renderReport(result({ params: {} }), {})).toContain('<tr><td colspan="2" class="muted">none</td></tr>');
    const cfg = renderReport(
      result({ config: { startingBalance: 10_000, stake: { fraction: 0.5 }, maxOpenTrades: 2, feeRate: 0.001, slippage: 0, minimalRoi: { '0': 0.1 }, stopLoss: undefined } }),
      {},
    );
    expect(cfg).toContain('<tr><th scope="row">stake</th><td>50.0 % of equity</td></tr>');
    expect(cfg).toContain('<tr><th scope="row">feeRate</th><td>0.001</td></tr>');
    expect(cfg).toContain('<tr><th scope="row">minimalRoi</th><td>{&quot;0&quot;:0.1}</td></tr>');
    expect(cfg).not.toContain('<th scope="row">stopLoss</th>');
    const fixed = renderReport(result({ config: { startingBalance: 10_000, stake: 250, maxOpenTrades: 2, feeRate: 0.001, slippage: 0 } }), {});
    expect(fixed).toContain('<tr><th scope="row">stake</th><td>250</td></tr>');
  });

  it('renders one trade row with formatted values and a profit class', () => {
    const t = trade({ pair: 'BTC/<x>', openPrice: 1234.56789, closePrice: 1300, amount: 0.1234567, stake: 152.4, fees: 0.31, profitAbs: -2.5, profitRatio: -0.0164 });
    const html = renderReport(result({ trades: [t, trade({ profitAbs: 0, profitRatio: 0 })] }), {});
    expect(tbody(html)).toContain(
      '<tr><td class="num">1</td><td>BTC/&lt;x&gt;</td><td>long</td><td>2024-01-01 01:00</td><td>2024-01-01 03:00</td>' +
        '<td class="num">1,234.5679</td><td class="num">1,300.0000</td><td class="num">0.123457</td><td class="num">152.40</td><td class="num">0.31</td>' +
        '<td class="num bad">-2.50</td><td class="num bad">-1.64 %</td><td>signal</td></tr>',
    );
    expect(tbody(html)).toContain('<td class="num ">0.00</td><td class="num ">0.00 %</td>');
    expect(renderReport(result(), {})).toContain('<td class="num good">9.80</td><td class="num good">9.80 %</td>');
    expect(html).not.toContain('the result file has them all');
  });

  it('says "no trades" without any, and caps the table at MAX_TRADE_ROWS with a note', () => {
    expect(renderReport(result({ trades: [] }), {})).toContain('<tr><td colspan="13" class="muted">no trades</td></tr>');
    expect(MAX_TRADE_ROWS).toBe(2_000);
    const many = Array.from({ length: MAX_TRADE_ROWS + 1 }, () => trade());
    const html = renderReport(result({ trades: many }), {});
    expect(tbody(html).match(/<tr>/g)).toHaveLength(MAX_TRADE_ROWS);
    expect(html).toContain('<p class="muted">First 2000 of 2001 trades; the result file has them all.</p>');
    const exact = renderReport(result({ trades: many.slice(1) }), {});
    expect(exact).not.toContain('the result file has them all');
  });

  it('gives each symbol a section with its marked trades, and notes downsampling', () => {
    const html = renderReport(result({ equity: [1, 1, 1, 1], trades: [trade()] }), { 'BTC/USDT': candles([1, 2, 3, 4]) });
    expect(html).toContain(
      '<section><h2>BTC/USDT</h2><p class="muted">1 trades marked: ▲ entry (blue), exit coloured by outcome.</p><div class="chart price" id="price-chart-0"></div></section>',
    );
    const long = Array.from({ length: 20_001 }, () => 1);
    const big = renderReport(result({ equity: long, trades: [] }), { 'BTC/USDT': candles(long, T0, HOUR) });
    expect(big).toContain('; 2 candles per bar (downsampled).</p>');
  });

  it('inlines the chart library and the client script', () => {
    expect(CHART_LIBRARY_FILE).toBe('lightweight-charts.standalone.production.js');
    const html = renderReport(result(), {});
    expect(html).toContain(`<script>${CLIENT_SCRIPT}</script>`);
  });
});

describe('renderReport: trade note and embedded data', () => {
  it('puts nothing between the Trades heading and the table when every trade is listed', () => {
    expect(renderReport(result(), { 'BTC/USDT': candles([1, 2, 3, 4]) })).toContain('<section><h2>Trades</h2><div class="trades"><table>');
  });

  it('escapes what would end the script block or the JavaScript string, line and paragraph separators included', () => {
    expect(jsonForScript({ s: '</script><!--&\u2028\u2029' })).toBe('{"s":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029"}');
  });
});

describe('CLIENT_SCRIPT', () => {
  it('reads the embedded data block and draws every chart the page has', () => {
    for (const id of ["'report-data'", "'equity-chart'", "'drawdown-chart'", "'price-chart-' + i"]) expect(CLIENT_SCRIPT).toContain(id);
    expect(CLIENT_SCRIPT).toContain('window.LightweightCharts');
  });
});
