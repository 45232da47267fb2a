import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { BacktestRequest, BacktestResultFile, parseEvent, parseJsonEvent, UpdateStatusInput, ValidateStrategyInput } from './index.js';

const request = {
  requestId: 'req-1',
  strategy: 'momentum-v2',
  symbols: ['BTC/USDT'],
  timeframe: '1h',
  startDate: '2026-01-01T00:00:00Z',
  endDate: '2026-02-01T00:00:00Z',
  parameters: { stopLoss: 0.05 },
};

describe('parseEvent', () => {
  it('returns the parsed value with defaults applied', () => {
    const { parameters: _p, ...noParams } = request;
    expect(parseEvent(BacktestRequest, noParams).parameters).toEqual({});
    expect(parseEvent(ValidateStrategyInput, { workflowId: 'bt-1', strategy: 'x' })).toEqual({ workflowId: 'bt-1', strategy: 'x', parameters: {} });
  });

  it('names the failing field path', () => {
    const err = (() => {
      try {
        parseEvent(BacktestRequest, { ...request, symbols: ['BTC/USDT', 'btc'] }, 'backtest request');
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect(err!.path).toBe('symbols.1');
    expect(err!.message).toMatch(/^invalid backtest request: symbols\.1: must look like BTC\/USDT/);
  });

  it('names a missing field and a cross-field rule', () => {
    const { strategy: _s, ...noStrategy } = request;
    expect(() => parseEvent(BacktestRequest, noStrategy)).toThrow(/strategy: /);
    expect(() => parseEvent(BacktestRequest, { ...request, endDate: request.startDate })).toThrow('invalid input: endDate: must be after startDate');
    expect(() => parseEvent(UpdateStatusInput, { workflowId: 'bt-1', status: 'DONE' })).toThrow(/status: /);
  });

  it('rejects non-finite numbers in results', () => {
    const file = {
      strategy: 's',
      timeframe: '1d',
      startingBalance: 1000,
      equityCurve: [
        { timestamp: '2026-01-01T00:00:00Z', equity: 1000 },
        { timestamp: '2026-01-02T00:00:00Z', equity: Number.NaN },
      ],
      trades: [],
    };
    expect(() => parseEvent(BacktestResultFile, file)).toThrow(/equityCurve\.1\.equity/);
  });

  it('reports bad JSON on the root', () => {
    expect(() => parseJsonEvent(BacktestRequest, '{nope', 'backtest request')).toThrow(/^invalid backtest request: \(root\): body is not valid JSON/);
  });
});
