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

/** Whether `schema` accepts `value` (no throw). */
const accepts = (schema: Parameters<typeof parseEvent>[0], value: unknown) => {
  try {
    parseEvent(schema, value);
    return true;
  } catch (err) {
    if (err instanceof ValidationError) return false;
    throw err;
  }
};

describe('schema bounds: at the limit and one step each side', () => {
  const symbol = (n: number) => `${'B'.repeat(n)}/USDT`;

  it('strategy names: 1 to 63 chars, first char a letter or digit', () => {
    const name = (n: number) => `a${'b'.repeat(n - 1)}`;
    expect([0, 1, 2].map((n) => accepts(BacktestRequest, { ...request, strategy: n === 0 ? '' : name(n) }))).toEqual([false, true, true]);
    expect([62, 63, 64].map((n) => accepts(BacktestRequest, { ...request, strategy: name(n) }))).toEqual([true, true, false]);
    expect(accepts(BacktestRequest, { ...request, strategy: '-a' })).toBe(false);
    expect(accepts(BacktestRequest, { ...request, strategy: 'A' })).toBe(false);
  });

  it('workflow ids: 1 to 80 execution-name chars', () => {
    const input = (id: string) => ({ workflowId: id, strategy: 'x' });
    expect([0, 1, 79, 80, 81].map((n) => accepts(ValidateStrategyInput, input('w'.repeat(n))))).toEqual([false, true, true, true, false]);
    expect(accepts(ValidateStrategyInput, input('a.b'))).toBe(false);
    expect(accepts(ValidateStrategyInput, input('A-z_9'))).toBe(true);
  });

  it('request ids: 1 to 64 chars', () => {
    expect([1, 64, 65].map((n) => accepts(BacktestRequest, { ...request, requestId: 'r'.repeat(n) }))).toEqual([true, true, false]);
    expect(accepts(BacktestRequest, { ...request, requestId: '' })).toBe(false);
  });

  it('symbols: 1 to 50 per request, each side 2 to 15 chars', () => {
    expect([0, 1, 50, 51].map((n) => accepts(BacktestRequest, { ...request, symbols: Array.from({ length: n }, () => 'BTC/USDT') }))).toEqual([false, true, true, false]);
    expect([1, 2, 15, 16].map((n) => accepts(BacktestRequest, { ...request, symbols: [symbol(n)] }))).toEqual([false, true, true, false]);
    expect(accepts(BacktestRequest, { ...request, symbols: ['BTC/USDT/X'] })).toBe(false);
    expect(accepts(BacktestRequest, { ...request, symbols: ['xBTC/USDT'] })).toBe(false);
  });

  it('the backtest window: endDate must be after startDate, by 1 ms is enough', () => {
    expect(accepts(BacktestRequest, { ...request, startDate: '2026-01-01T00:00:00.000Z', endDate: '2026-01-01T00:00:00.001Z' })).toBe(true);
    expect(accepts(BacktestRequest, { ...request, startDate: '2026-01-01T00:00:00.001Z', endDate: '2026-01-01T00:00:00.000Z' })).toBe(false);
  });

  it('result files: at least 2 equity points, equity >= 0, starting balance > 0', () => {
    const point = (equity: number, day: number) => ({ timestamp: `2026-01-0${day}T00:00:00Z`, equity });
    const file = (over: Record<string, unknown>) => ({ strategy: 's', timeframe: '1d', startingBalance: 1000, equityCurve: [point(1000, 1), point(1000, 2)], trades: [], ...over });
    expect(accepts(BacktestResultFile, file({ equityCurve: [point(1000, 1)] }))).toBe(false);
    expect(accepts(BacktestResultFile, file({}))).toBe(true);
    expect([-0.01, 0, 0.01].map((e) => accepts(BacktestResultFile, file({ equityCurve: [point(1000, 1), point(e, 2)] })))).toEqual([false, true, true]);
    expect([-0.01, 0, 0.01].map((b) => accepts(BacktestResultFile, file({ startingBalance: b })))).toEqual([false, false, true]);
  });

  it('config versions in task inputs are positive integers', () => {
    expect([0, 1, 1.5].map((v) => accepts(ValidateStrategyInput, { workflowId: 'w', strategy: 'x', configVersion: v }))).toEqual([false, true, false]);
  });
});

describe('parse helpers', () => {
  it('lists every failing field in issues and the message, the first as path', () => {
    const err = (() => {
      try {
        parseEvent(BacktestRequest, { ...request, strategy: 'Bad', timeframe: '2h' }, 'req');
      } catch (e) {
        return e as ValidationError;
      }
    })()!;
    expect(err.issues.map((i) => i.path)).toEqual(['strategy', 'timeframe']);
    expect(err.path).toBe('strategy');
    expect(err.message).toMatch(/^invalid req: strategy: .+; timeframe: .+$/);
  });

  it('labels the input "input" by default, for values and for JSON text', () => {
    expect(() => parseEvent(UpdateStatusInput, null)).toThrow(/^invalid input: \(root\): /);
    expect(() => parseJsonEvent(UpdateStatusInput, '')).toThrow(/^invalid input: \(root\): body is not valid JSON/);
    expect(parseJsonEvent(ValidateStrategyInput, '{"workflowId":"w","strategy":"s"}')).toEqual({ workflowId: 'w', strategy: 's', parameters: {} });
  });
});
