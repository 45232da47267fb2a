import { BacktestResultFile, parseEvent } from '@tradai/domain';
import type { BacktestResult } from './types.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The result file consume-results parses (`BacktestResultFile`, ISO timestamps), validated with
 * that schema here so a task never writes a file the workflow would refuse (e.g. a negative equity
 * from an unbounded short): the error names the field.
 */
export function toResultFile(result: BacktestResult): BacktestResultFile {
  const { timestamp, equity, length } = result.equityCurve;
  const equityCurve = new Array<{ timestamp: string; equity: number }>(length);
  for (let i = 0; i < length; i++) equityCurve[i] = { timestamp: iso(timestamp[i]!), equity: equity[i]! };
  const file = {
    strategy: result.strategy,
    timeframe: result.timeframe,
    startingBalance: result.startingBalance,
    equityCurve,
    trades: result.trades.map((t) => ({ pair: t.pair, openedAt: iso(t.openedAt), closedAt: iso(t.closedAt), profitAbs: t.profitAbs, profitRatio: t.profitRatio })),
  };
  return parseEvent(BacktestResultFile, file, 'backtest result file');
}
