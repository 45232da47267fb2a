import { describe, expect, it } from 'vitest';
import { checkEntry, dailyLossReached, startPerformance, utcDay, withEquity } from './risk.js';

describe('checkEntry at the limits', () => {
  it('allows an entry one below the open-position cap and refuses at it', () => {
    expect(checkEntry({ maxOpenPositions: 3 }, 100, 2, false)).toEqual({ ok: true, stake: 100 });
    expect(checkEntry({ maxOpenPositions: 3 }, 100, 3, false)).toEqual({ ok: false, reason: 'max open positions (3) reached' });
  });
  it('keeps a stake at or below the position size', () => {
    expect(checkEntry({ maxPositionSize: 500 }, 500, 0, false)).toEqual({ ok: true, stake: 500 });
    expect(checkEntry({ maxPositionSize: 500 }, 499, 0, false)).toEqual({ ok: true, stake: 499 });
    expect(checkEntry({}, 123, 10, false)).toEqual({ ok: true, stake: 123 });
  });
  it('refuses while halted with the halt reason', () => {
    expect(checkEntry({}, 100, 0, true)).toEqual({ ok: false, reason: 'daily loss limit reached: entries halted until the next UTC day' });
  });
});

describe('dailyLossReached', () => {
  it('never halts without a positive day-start equity', () => {
    expect(dailyLossReached({ dailyLossLimit: 0.05 }, 0, -1)).toBe(false);
    expect(dailyLossReached({ dailyLossLimit: 0.05 }, -10, -20)).toBe(false);
  });
});

describe('withEquity', () => {
  it('returns the same performance when nothing changes (no new peak, no deeper drawdown)', () => {
    const p = startPerformance(100);
    expect(withEquity(p, 100)).toBe(p);
    const q = withEquity(p, 90);
    expect(q.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(withEquity(q, 90)).toBe(q);
    expect(withEquity(q, 95)).toBe(q);
  });
  it('does not divide by a zero peak', () => {
    expect(withEquity(startPerformance(0), -10)).toEqual({ pnl: 0, tradeCount: 0, peakEquity: 0, maxDrawdown: 0 });
  });
});

describe('utcDay', () => {
  it('is the UTC calendar day', () => {
    expect(utcDay(Date.UTC(2025, 0, 1, 23, 59, 59, 999))).toBe('2025-01-01');
    expect(utcDay(Date.UTC(2025, 0, 2))).toBe('2025-01-02');
  });
});
