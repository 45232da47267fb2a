import { computeBacktestMetrics, ValidationError, type BacktestMetrics, type BacktestResultFile } from '@tradai/domain';

/** Checks ordering the schema cannot express; throws ValidationError naming the field. */
export function assertOrdered(file: BacktestResultFile): void {
  for (let i = 1; i < file.equityCurve.length; i++) {
    if (Date.parse(file.equityCurve[i]!.timestamp) <= Date.parse(file.equityCurve[i - 1]!.timestamp)) {
      throw new ValidationError(`invalid result file: equityCurve.${i}.timestamp: must be after the previous point`, `equityCurve.${i}.timestamp`);
    }
  }
  file.trades.forEach((t, i) => {
    if (Date.parse(t.closedAt) < Date.parse(t.openedAt)) {
      throw new ValidationError(`invalid result file: trades.${i}.closedAt: must not be before openedAt`, `trades.${i}.closedAt`);
    }
  });
}

/**
 * Summary metrics of a backtest result file: the domain's `computeBacktestMetrics` (the maths the
 * backtest engine uses too) over the file's ISO timestamps converted to epoch ms.
 */
export function computeMetrics(file: BacktestResultFile): BacktestMetrics {
  assertOrdered(file);
  return computeBacktestMetrics({
    timeframe: file.timeframe,
    startingBalance: file.startingBalance,
    timestamps: file.equityCurve.map((p) => Date.parse(p.timestamp)),
    equity: file.equityCurve.map((p) => p.equity),
    trades: file.trades.map((t) => ({ profitAbs: t.profitAbs, openedAt: Date.parse(t.openedAt), closedAt: Date.parse(t.closedAt) })),
  });
}
