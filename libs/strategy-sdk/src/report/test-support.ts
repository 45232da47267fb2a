import type { BacktestMetrics } from '@tradai/domain';
import type { CandleColumns } from '@tradai/market-data';
import type { BacktestResult, Trade } from '../engine/types.js';

/** Test builders for hand-made results: every value is chosen by the test, no engine run. */

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);

export function metrics(over: Partial<BacktestMetrics> = {}): BacktestMetrics {
  return {
    total_return: 0.1234,
    sharpe: 1.5,
    periods_per_year: 8760,
    max_drawdown: 0.25,
    win_rate: 0.5,
    trade_count: 4,
    final_equity: 11_234,
    cagr: 0.5,
    sortino: 2,
    max_drawdown_duration_ms: 36 * HOUR,
    profit_factor: 1.5,
    exposure: 0.4,
    ...over,
  };
}

export function trade(over: Partial<Trade> = {}): Trade {
  return {
    pair: 'BTC/USDT',
    side: 'long',
    openedAt: T0 + HOUR,
    closedAt: T0 + 3 * HOUR,
    openPrice: 100,
    closePrice: 110,
    amount: 1,
    stake: 100,
    fees: 0.2,
    profitAbs: 9.8,
    profitRatio: 0.098,
    exitReason: 'signal',
    ...over,
  };
}

/** Hourly candles from T0 with the given closes (open = previous close, high/low 1 around). */
export function candles(closes: readonly number[], start = T0, step = HOUR): CandleColumns {
  const n = closes.length;
  return {
    length: n,
    timestamp: Float64Array.from({ length: n }, (_, i) => start + i * step),
    open: Float64Array.from(closes, (c, i) => (i === 0 ? c : closes[i - 1]!)),
    high: Float64Array.from(closes, (c) => c + 1),
    low: Float64Array.from(closes, (c) => c - 1),
    close: Float64Array.from(closes),
    volume: Float64Array.from(closes, () => 1),
  };
}

export function result(over: Partial<BacktestResult> & { equity?: readonly number[]; start?: number } = {}): BacktestResult {
  const { equity = [10_000, 10_100, 10_050, 10_200], start = T0, ...rest } = over;
  return {
    strategy: 'sma-cross',
    timeframe: '1h',
    params: { fast: 5, slow: 20 },
    config: { startingBalance: 10_000, stake: { fraction: 0.5 }, maxOpenTrades: 2, feeRate: 0.001, slippage: 0 },
    symbols: ['BTC/USDT'],
    startingBalance: 10_000,
    finalBalance: 11_234,
    trades: [trade()],
    equityCurve: {
      length: equity.length,
      timestamp: Float64Array.from(equity, (_, i) => start + i * HOUR),
      equity: Float64Array.from(equity),
    },
    metrics: metrics(),
    ...rest,
  };
}
