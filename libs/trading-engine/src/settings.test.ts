import { ValidationError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { parseBotSettings } from './settings.js';
import { TEST_ENGINE } from './test-support.js';

const BASE = {
  botId: 'bot-1',
  mode: 'dry-run',
  strategy: 'ma-crossover',
  exchange: 'binance',
  symbols: ['BTC/USDT'],
  timeframe: '1h',
  engine: TEST_ENGINE,
};

function fails(over: Record<string, unknown>): ValidationError {
  try {
    parseBotSettings({ ...BASE, ...over });
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected parseBotSettings to throw');
}

describe('parseBotSettings', () => {
  it('accepts valid settings and fills the defaults', () => {
    const s = parseBotSettings(BASE);
    expect(s.lookback).toBe(500);
    expect(s.params).toEqual({});
    expect(s.risk).toEqual({});
    expect(s.engine.startingBalance).toBe(10_000);
  });

  it.each([
    ['xBTC/USDT'.toLowerCase(), 'symbols.0'],
    ['-BTC/USDT', 'symbols.0'],
    ['BTC/USDT-', 'symbols.0'],
  ])('refuses symbol %s (anchored pattern)', (sym, path) => {
    const e = fails({ symbols: [sym] });
    expect(e.path).toBe(path);
    expect(e.message).toContain('must look like BTC/USDT');
  });

  it('refuses a botId with a leading or trailing bad character', () => {
    for (const botId of ['-bot', 'bot!', '', 'a'.repeat(65)]) {
      const e = fails({ botId });
      expect(e.path).toBe('botId');
      expect(e.message).toContain('must be 1-64 chars of A-Z, a-z, 0-9, "_", ".", "-"');
    }
    expect(parseBotSettings({ ...BASE, botId: 'a'.repeat(64) }).botId).toHaveLength(64);
    expect(parseBotSettings({ ...BASE, botId: 'B_1.x-y' }).botId).toBe('B_1.x-y');
  });

  it('refuses an exchange id that is not a ccxt id', () => {
    for (const exchange of ['Binance', 'binance!', '-binance', 'b']) {
      const e = fails({ exchange });
      expect(e.path).toBe('exchange');
      expect(e.message).toContain('must be a ccxt exchange id (a-z, 0-9)');
    }
  });

  it('checks the symbol list: at least one, at most 20, no repeats', () => {
    expect(fails({ symbols: [] }).message).toContain('must list at least one symbol');
    const many = Array.from({ length: 21 }, (_, i) => `C${String(i).padStart(2, '0')}/USDT`);
    expect(fails({ symbols: many }).message).toContain('at most 20 symbols per bot');
    expect(parseBotSettings({ ...BASE, symbols: many.slice(0, 20) }).symbols).toHaveLength(20);
    const rep = fails({ symbols: ['BTC/USDT', 'ETH/USDT', 'BTC/USDT'] });
    expect(rep.path).toBe('symbols');
    expect(rep.message).toContain('must not repeat a symbol');
  });

  it('checks the risk limits at their boundaries', () => {
    expect(fails({ risk: { maxPositionSize: 0 } }).message).toContain('must be > 0');
    expect(fails({ risk: { maxOpenPositions: 0 } }).message).toContain('must be >= 1');
    expect(fails({ risk: { dailyLossLimit: 0 } }).message).toContain('must be > 0');
    expect(fails({ risk: { dailyLossLimit: 1 } }).message).toContain('must be < 1');
    expect(fails({ risk: { dailyLossLimit: 1 } }).path).toBe('risk.dailyLossLimit');
    expect(parseBotSettings({ ...BASE, risk: { maxPositionSize: 0.01, maxOpenPositions: 1, dailyLossLimit: 0.99 } }).risk).toEqual({
      maxPositionSize: 0.01,
      maxOpenPositions: 1,
      dailyLossLimit: 0.99,
    });
  });

  it('checks lookback and configVersion bounds', () => {
    expect(fails({ lookback: 1 }).message).toContain('must be >= 2');
    expect(fails({ lookback: 10_001 }).message).toContain('must be <= 10000');
    expect(parseBotSettings({ ...BASE, lookback: 2 }).lookback).toBe(2);
    expect(parseBotSettings({ ...BASE, lookback: 10_000 }).lookback).toBe(10_000);
    const cv = fails({ configVersion: 0 });
    expect(cv.path).toBe('configVersion');
    expect(cv.message).toContain('must be >= 1');
    expect(parseBotSettings({ ...BASE, configVersion: 1 }).configVersion).toBe(1);
  });

  it('names the engine field of a bad backtest config, without repeating the backtest prefix', () => {
    const e = fails({ engine: { ...TEST_ENGINE, feeRate: -1 } });
    expect(e.path).toBe('engine.feeRate');
    expect(e.message).toMatch(/^invalid bot settings: engine: feeRate/);
    expect(e.message).not.toContain('invalid backtest config');
  });

  it('refuses shorting for a live bot only', () => {
    const e = fails({ mode: 'live', engine: { ...TEST_ENGINE, allowShort: true } });
    expect(e.path).toBe('engine.allowShort');
    expect(e.message).toBe('invalid bot settings: engine.allowShort: a live bot trades spot and cannot short');
    expect(parseBotSettings({ ...BASE, mode: 'dry-run', engine: { ...TEST_ENGINE, allowShort: true } }).engine.allowShort).toBe(true);
    expect(parseBotSettings({ ...BASE, mode: 'live', engine: { ...TEST_ENGINE, allowShort: false } }).mode).toBe('live');
  });
});
