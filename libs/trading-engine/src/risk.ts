import type { RiskLimits } from './settings.js';

/** The UTC day (YYYY-MM-DD) of `t`: the daily loss limit resets at UTC midnight. */
export function utcDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** What the risk limits say about one entry. */
export type EntryVerdict = { readonly ok: true; readonly stake: number } | { readonly ok: false; readonly reason: string };

/**
 * Applies the limits to an entry the strategy wants: refused while halted or at `maxOpenPositions`;
 * the stake is cut to `maxPositionSize`.
 */
export function checkEntry(limits: RiskLimits, stake: number, openPositions: number, halted: boolean): EntryVerdict {
  if (halted) return { ok: false, reason: 'daily loss limit reached: entries halted until the next UTC day' };
  if (limits.maxOpenPositions !== undefined && openPositions >= limits.maxOpenPositions) {
    return { ok: false, reason: `max open positions (${limits.maxOpenPositions}) reached` };
  }
  return { ok: true, stake: limits.maxPositionSize !== undefined ? Math.min(stake, limits.maxPositionSize) : stake };
}

/** Whether the fall from `dayStartEquity` to `equity` reaches the daily loss limit. */
export function dailyLossReached(limits: RiskLimits, dayStartEquity: number, equity: number): boolean {
  if (limits.dailyLossLimit === undefined || !(dayStartEquity > 0)) return false;
  return (dayStartEquity - equity) / dayStartEquity >= limits.dailyLossLimit;
}

/** Running PnL and drawdown of a bot, updated on every fill and every marked equity. */
export interface Performance {
  /** Realised net profit in quote (sum of closed trades). */
  readonly pnl: number;
  readonly tradeCount: number;
  /** Highest equity seen. */
  readonly peakEquity: number;
  /** Largest fall from a peak, as a positive fraction. */
  readonly maxDrawdown: number;
}

export function startPerformance(startingBalance: number): Performance {
  return { pnl: 0, tradeCount: 0, peakEquity: startingBalance, maxDrawdown: 0 };
}

/** After a closed trade. */
export function withTrade(p: Performance, profitAbs: number): Performance {
  return { ...p, pnl: p.pnl + profitAbs, tradeCount: p.tradeCount + 1 };
}

/** After marking equity (each fill and each candle close). */
export function withEquity(p: Performance, equity: number): Performance {
  const peak = Math.max(p.peakEquity, equity);
  const dd = peak > 0 ? (peak - equity) / peak : 0;
  return dd > p.maxDrawdown || peak !== p.peakEquity ? { ...p, peakEquity: peak, maxDrawdown: Math.max(p.maxDrawdown, dd) } : p;
}
