import { ValidationError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { parseBacktestConfig, roiTable } from './config.js';
import type { BacktestConfig } from './types.js';

const BASE: BacktestConfig = { startingBalance: 10_000, stake: 1000, maxOpenTrades: 1, feeRate: 0, slippage: 0 };
const KNOWN = 'startingBalance, stake, maxOpenTrades, feeRate, slippage, stopLoss, takeProfit, allowShort, minimalRoi';

/** The message parseBacktestConfig throws for `patch` over BASE (undefined when accepted). */
function refusal(patch: Record<string, unknown>): string | undefined {
  try {
    parseBacktestConfig({ ...BASE, ...patch });
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as Error).message;
  }
}

describe('parseBacktestConfig: bounds', () => {
  it('accepts a minimal config unchanged', () => {
    expect(parseBacktestConfig(BASE)).toEqual(BASE);
  });

  it('accepts fee and slippage from 0 up to just below 0.5', () => {
    for (const field of ['feeRate', 'slippage']) {
      expect(refusal({ [field]: 0 })).toBeUndefined();
      expect(refusal({ [field]: 0.4999 })).toBeUndefined();
      expect(refusal({ [field]: 0.5 })).toBe(`invalid backtest config: ${field}: must be < 0.5`);
      expect(refusal({ [field]: -0.0001 })).toBe(`invalid backtest config: ${field}: must be >= 0`);
      expect(refusal({ [field]: '0.1' })).toBe(`invalid backtest config: ${field}: must be a fraction in [0, 0.5)`);
      expect(refusal({ [field]: Infinity })).toBe(`invalid backtest config: ${field}: must be a fraction in [0, 0.5)`);
    }
  });

  it('accepts a positive starting balance and fixed stake, refusing 0', () => {
    expect(refusal({ startingBalance: 0.01, stake: 0.01 })).toBeUndefined();
    expect(refusal({ startingBalance: 0 })).toBe('invalid backtest config: startingBalance: must be > 0');
    expect(refusal({ startingBalance: NaN })).toBe('invalid backtest config: startingBalance: must be a positive number');
    expect(refusal({ stake: 0 })).toBe('invalid backtest config: stake: must be > 0');
    expect(refusal({ stake: -5 })).toBe('invalid backtest config: stake: must be > 0');
  });

  it('accepts a stake fraction in (0, 1]', () => {
    expect(refusal({ stake: { fraction: 1 } })).toBeUndefined();
    expect(refusal({ stake: { fraction: 0.0001 } })).toBeUndefined();
    expect(refusal({ stake: { fraction: 1.0001 } })).toBe('invalid backtest config: stake.fraction: must be <= 1');
    expect(refusal({ stake: { fraction: 0 } })).toBe('invalid backtest config: stake.fraction: must be > 0');
    // Neither a number nor { fraction }: the union's own message.
    const either = 'invalid backtest config: stake: must be a positive quote amount or { fraction } in (0, 1]';
    expect(refusal({ stake: '1000' })).toBe(either);
    expect(refusal({ stake: { fraction: '0.5' } })).toBe(either);
  });

  it('accepts maxOpenTrades from 1, integers only', () => {
    expect(refusal({ maxOpenTrades: 1 })).toBeUndefined();
    expect(refusal({ maxOpenTrades: 0 })).toBe('invalid backtest config: maxOpenTrades: must be >= 1');
    expect(refusal({ maxOpenTrades: 1.5 })).toBe('invalid backtest config: maxOpenTrades: must be an integer >= 1');
  });

  it('accepts a stop-loss in (0, 1) and any positive take-profit', () => {
    expect(refusal({ stopLoss: 0.9999, takeProfit: 5 })).toBeUndefined();
    expect(refusal({ stopLoss: 1 })).toBe('invalid backtest config: stopLoss: must be < 1');
    expect(refusal({ stopLoss: 0 })).toBe('invalid backtest config: stopLoss: must be > 0');
    expect(refusal({ stopLoss: 'x' })).toBe('invalid backtest config: stopLoss: must be a fraction in (0, 1)');
    expect(refusal({ takeProfit: 0 })).toBe('invalid backtest config: takeProfit: must be > 0');
    expect(refusal({ allowShort: 'yes' })).toBe('invalid backtest config: allowShort: must be true or false');
    expect(refusal({ allowShort: false })).toBeUndefined();
  });

  it('accepts minimal-ROI keys of whole minutes only, and at least one entry', () => {
    expect(refusal({ minimalRoi: { '0': 0.1, '30': -0.01, '120': 0, '030': 0.2 } })).toBeUndefined();
    const keys = 'invalid backtest config: minimalRoi: keys must be whole minutes, e.g. "0", "30"';
    for (const key of ['x30', '30x', '1h', '', '3.5', ' 30']) expect(refusal({ minimalRoi: { [key]: 0.1 } })).toBe(keys);
    // One bad key among good ones is enough.
    expect(refusal({ minimalRoi: { '0': 0.1, x: 0.2 } })).toBe(keys);
    expect(refusal({ minimalRoi: {} })).toBe('invalid backtest config: minimalRoi: must have at least one entry');
    expect(refusal({ minimalRoi: { '0': Infinity } })).toBe('invalid backtest config: minimalRoi.0: must be a finite profit ratio');
    expect(refusal({ minimalRoi: { '0': 'x' } })).toBe('invalid backtest config: minimalRoi.0: must be a finite profit ratio');
  });
});

describe('parseBacktestConfig: unknown options', () => {
  it('refuses a misspelt option, naming it and the known ones', () => {
    expect(() => parseBacktestConfig({ ...BASE, stoploss: 0.1 })).toThrow(new ValidationError(`invalid backtest config: stoploss: unknown option; known: ${KNOWN}`, 'stoploss'));
    // The first unknown key is named.
    expect(() => parseBacktestConfig({ ...BASE, fee: 0.1, roi: {} })).toThrow(`invalid backtest config: fee: unknown option; known: ${KNOWN}`);
  });

  it('refuses a value that is not an object with the schema message, not an unknown-key one', () => {
    for (const input of [null, 'abc']) {
      expect(() => parseBacktestConfig(input)).toThrow(expect.objectContaining({ name: 'ValidationError', message: 'invalid backtest config: (root): Invalid input', path: '(root)' }));
    }
  });
});

describe('roiTable', () => {
  it('is undefined without a table', () => {
    expect(roiTable(undefined)).toBeUndefined();
  });

  it('sorts minute thresholds numerically into ms, keeping each ratio with its threshold', () => {
    // '030' is not an array index, so the object lists it after '120': only the sort puts it first.
    const t = roiTable({ '120': 0.01, '030': 0.03, '0': 0.05 })!;
    expect(Array.from(t.afterMs)).toEqual([0, 30 * 60_000, 120 * 60_000]);
    expect(Array.from(t.minRatio)).toEqual([0.05, 0.03, 0.01]);
    const two = roiTable({ '120': 0.01, '030': 0.03 })!;
    expect(Array.from(two.afterMs)).toEqual([30 * 60_000, 120 * 60_000]);
    expect(Array.from(two.minRatio)).toEqual([0.03, 0.01]);
  });
});
