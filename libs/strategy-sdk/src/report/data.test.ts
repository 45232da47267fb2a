import { describe, expect, it } from 'vitest';
import { MAX_CHART_POINTS, reportData } from './data.js';
import { candles, HOUR, result, T0, trade } from './test-support.js';

const s = (ms: number) => Math.floor(ms / 1000);
const at = (hours: number) => s(T0 + hours * HOUR);

describe('reportData: equity and drawdown', () => {
  it('has one point per candle below MAX_CHART_POINTS: equity to the cent, drawdown in percent to 4 digits', () => {
    expect(MAX_CHART_POINTS).toBe(20_000);
    const data = reportData(result({ equity: [10_000, 10_100.126, 10_050, 10_200] }), {});
    expect(data.equity).toEqual([
      [at(0), 10_000],
      [at(1), 10_100.13],
      [at(2), 10_050],
      [at(3), 10_200],
    ]);
    // 10_050 / 10_100.126 - 1 = -0.4963 %.
    expect(data.drawdown).toEqual([
      [at(0), 0],
      [at(1), 0],
      [at(2), -0.4963],
      [at(3), 0],
    ]);
    expect(data.symbols).toEqual([]);
  });

  it('writes times in whole epoch seconds, rounding down', () => {
    const data = reportData(result({ equity: [1, 2], start: T0 + 1_999 }), {});
    expect(data.equity.map((p) => p[0])).toEqual([s(T0) + 1, s(T0 + HOUR) + 1]);
  });

  it('keeps drawdown at 0 while there is no positive peak (no division by zero)', () => {
    const data = reportData(result({ equity: [0, 0, 5, 0] }), {});
    expect(data.drawdown.map((p) => p[1])).toEqual([0, 0, 0, -100]);
  });

  it('downsamples to at most maxPoints: each bucket keeps its first time, last equity and deepest drawdown', () => {
    // 7 points, at most 3: buckets of ceil(7 / 3) = 3 points -> [0, 3), [3, 6), [6, 7).
    const equity = [100, 80, 90, 120, 60, 110, 130];
    const data = reportData(result({ equity }), {}, 3);
    expect(data.equity).toEqual([
      [at(0), 90],
      [at(3), 110],
      [at(6), 130],
    ]);
    expect(data.drawdown).toEqual([
      [at(0), -20],
      [at(3), -50],
      [at(6), 0],
    ]);
  });

  it('does not downsample when the points fit exactly', () => {
    const data = reportData(result({ equity: [1, 2, 3, 4] }), {}, 4);
    expect(data.equity.map((p) => p[1])).toEqual([1, 2, 3, 4]);
    const halved = reportData(result({ equity: [1, 2, 3, 4] }), {}, 2);
    expect(halved.equity).toEqual([
      [at(0), 2],
      [at(2), 4],
    ]);
  });

  it('draws nothing for an empty equity curve', () => {
    const data = reportData(result({ equity: [] }), {});
    expect(data).toEqual({ equity: [], drawdown: [], symbols: [] });
  });
});

describe('reportData: candles per symbol', () => {
  it('sorts symbols and shows only the candles of the traded window, both ends included', () => {
    // Candles from 2 h before to 2 h after the 4-point curve (warm-up before, nothing traded after).
    const btc = candles([1, 2, 3, 4, 5, 6, 7, 8], T0 - 2 * HOUR);
    const eth = candles([50, 51, 52, 53], T0);
    const data = reportData(result({ equity: [10, 10, 10, 10], trades: [] }), { 'ETH/USDT': eth, 'BTC/USDT': btc });
    expect(data.symbols.map((x) => x.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
    // [time, open (previous close), high, low, close]
    expect(data.symbols[0]).toEqual({
      symbol: 'BTC/USDT',
      bars: [
        [at(0), 2, 4, 2, 3],
        [at(1), 3, 5, 3, 4],
        [at(2), 4, 6, 4, 5],
        [at(3), 5, 7, 5, 6],
      ],
      markers: [],
      barSize: 1,
    });
    expect(data.symbols[1]!.bars.map((b) => b[0])).toEqual([at(0), at(1), at(2), at(3)]);
  });

  it('shows every candle when the curve is empty', () => {
    const data = reportData(result({ equity: [], trades: [] }), { 'BTC/USDT': candles([1, 2, 3]) });
    expect(data.symbols[0]!.bars.map((b) => b[0])).toEqual([at(0), at(1), at(2)]);
  });

  it('merges candles into OHLC bars when there are more than maxPoints: first open, highest high, lowest low, last close', () => {
    const c = candles([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    const equity = Array.from({ length: 10 }, () => 1);
    const chart = reportData(result({ equity, trades: [] }), { 'BTC/USDT': c }, 4).symbols[0]!;
    // ceil(10 / 4) = 3 candles per bar.
    expect(chart.barSize).toBe(3);
    expect(chart.bars).toEqual([
      [at(0), 100, 103, 99, 102],
      [at(3), 102, 106, 102, 105],
      [at(6), 105, 109, 105, 108],
      [at(9), 108, 110, 108, 109],
    ]);
  });

  it('sizes bars by the candles of the window only, not the warm-up before it', () => {
    // 6 warm-up candles, then 6 in the window (hours 6-11): ceil(6 / 3) = 2 candles per bar.
    const c = candles([1, 2, 3, 4, 5, 6, 100, 101, 102, 103, 104, 105]);
    const chart = reportData(result({ equity: [1, 1, 1, 1, 1, 1], start: T0 + 6 * HOUR, trades: [] }), { 'BTC/USDT': c }, 3).symbols[0]!;
    expect(chart.barSize).toBe(2);
    expect(chart.bars.map((b) => b[0])).toEqual([at(6), at(8), at(10)]);
  });

  it('keeps the extremes of a bucket wherever they are in it', () => {
    const c = candles([10, 10, 10, 10]);
    const spiky = { ...c, high: Float64Array.of(11, 50, 11, 11), low: Float64Array.of(9, 9, 1, 9) };
    const chart = reportData(result({ equity: [1, 1, 1, 1], trades: [] }), { 'BTC/USDT': spiky }, 2).symbols[0]!;
    expect(chart.bars).toEqual([
      [at(0), 10, 50, 9, 10],
      [at(2), 10, 11, 1, 10],
    ]);
  });
});

describe('reportData: trade markers', () => {
  const closes = [100, 101, 102, 103, 104, 105, 106, 107, 108, 109];
  const equity = closes.map(() => 1);
  const H = (h: number) => T0 + h * HOUR;
  // Closing order, as the engine lists them; A and B overlap, so markers need sorting.
  const trades = [
    trade({ side: 'short', openedAt: H(2.5), closedAt: H(4), exitReason: 'roi', profitRatio: -0.0512, profitAbs: -5 }),
    trade({ side: 'long', openedAt: H(1), closedAt: H(5), exitReason: 'signal', profitRatio: 0.098, profitAbs: 9.8 }),
    trade({ side: 'long', openedAt: H(6), closedAt: H(7), exitReason: 'stop_loss', profitRatio: -0.02, profitAbs: -2 }),
    trade({ pair: 'ETH/USDT', side: 'long', openedAt: H(3), closedAt: H(8), exitReason: 'take_profit', profitRatio: 0.05, profitAbs: 5 }),
    trade({ side: 'long', openedAt: H(-5), closedAt: H(20), exitReason: 'end_of_data', profitRatio: 0, profitAbs: 0 }),
  ];
  const input = () => result({ equity, trades });

  it('puts each entry and exit on its candle, sorted by time, with side and profit labels', () => {
    const data = reportData(input(), { 'BTC/USDT': candles(closes), 'ETH/USDT': candles(closes) });
    expect(data.symbols[0]!.markers).toEqual([
      // Opened before the first candle: on the first one.
      { time: at(0), kind: 'entry', side: 'long', text: 'L' },
      { time: at(1), kind: 'entry', side: 'long', text: 'L' },
      // Opened mid-candle: on that candle.
      { time: at(2), kind: 'entry', side: 'short', text: 'S' },
      // A ROI exit fills at the close of the 3 h candle (= 4 h open): it belongs to the 3 h candle.
      { time: at(3), kind: 'exit', side: 'short', text: '-5.1%', win: false },
      { time: at(5), kind: 'exit', side: 'long', text: '+9.8%', win: true },
      { time: at(6), kind: 'entry', side: 'long', text: 'L' },
      // A stop-loss at a candle's open time stays on that candle.
      { time: at(7), kind: 'exit', side: 'long', text: '-2.0%', win: false },
      // End of data after the last candle: on the last one; break-even is "+0.0%" and not a win.
      { time: at(9), kind: 'exit', side: 'long', text: '+0.0%', win: false },
    ]);
    expect(data.symbols[1]!.markers).toEqual([
      { time: at(3), kind: 'entry', side: 'long', text: 'L' },
      { time: at(8), kind: 'exit', side: 'long', text: '+5.0%', win: true },
    ]);
  });

  it('puts markers on the downsampled bar holding their time', () => {
    const chart = reportData(input(), { 'BTC/USDT': candles(closes) }, 4).symbols[0]!;
    // Bars start at 0, 3, 6 and 9 h.
    expect(chart.markers.map((m) => [m.time, m.kind])).toEqual([
      [at(0), 'entry'],
      [at(0), 'entry'],
      [at(0), 'entry'],
      [at(3), 'exit'],
      [at(3), 'exit'],
      [at(6), 'entry'],
      [at(6), 'exit'],
      [at(9), 'exit'],
    ]);
  });

  it('puts an exit at the last bar start on that bar, and a ROI exit there on the bar before', () => {
    const last = [
      trade({ openedAt: H(0), closedAt: H(9), exitReason: 'take_profit' }),
      trade({ openedAt: H(0), closedAt: H(9), exitReason: 'roi', profitRatio: 0.1234 }),
    ];
    const chart = reportData(result({ equity, trades: last }), { 'BTC/USDT': candles(closes) }).symbols[0]!;
    expect(chart.markers.filter((m) => m.kind === 'exit').map((m) => [m.time, m.text])).toEqual(
      expect.arrayContaining([
        [at(9), '+9.8%'],
        [at(8), '+12.3%'],
      ]),
    );
    expect(chart.markers).toHaveLength(4);
  });

  it('marks nothing for a symbol with no candles in the window', () => {
    const data = reportData(input(), { 'BTC/USDT': candles(closes, T0 + 100 * HOUR) });
    expect(data.symbols[0]).toEqual({ symbol: 'BTC/USDT', bars: [], markers: [], barSize: 1 });
  });
});
