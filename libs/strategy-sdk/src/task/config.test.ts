import { StrategyConfigFile, parseEvent } from '@tradai/domain';
import { describe, expect, it } from 'vitest';

describe('StrategyConfigFile training section (what train mode reads)', () => {
  it('accepts a training window and an exchange', () => {
    const c = parseEvent(StrategyConfigFile, { strategy: 'ml-classifier', exchange: 'binance', training: { symbols: ['BTC/USDT'], timeframe: '1h', lookbackDays: 30 } }, 'config');
    expect(c.training).toEqual({ symbols: ['BTC/USDT'], timeframe: '1h', lookbackDays: 30 });
    expect(parseEvent(StrategyConfigFile, { strategy: 'ma-crossover' }, 'config').training).toBeUndefined();
  });

  it('names the bad field', () => {
    expect(() => parseEvent(StrategyConfigFile, { strategy: 'x', training: { symbols: ['btc'], timeframe: '1h', lookbackDays: 0 } }, 'config')).toThrow(/training\.symbols\.0: must look like BTC\/USDT; training\.lookbackDays/);
    expect(() => parseEvent(StrategyConfigFile, { strategy: 'x', exchange: 'Bin ance' }, 'config')).toThrow(/exchange: must be a ccxt exchange id/);
  });
});
