import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { BacktestRequest, BacktestResultFile, BacktestWorkflowInput, reportKeyFor } from './backtest.js';
import { isoTimestamp, parameters, strategyName, workflowId } from './common.js';
import { DataSyncRequest, marketSymbol } from './data.js';
import { parseEvent, parseJsonEvent } from './parse.js';

const ok = (schema: Parameters<typeof parseEvent>[0], value: unknown) => schema.safeParse(value).success;
const firstMessage = (schema: Parameters<typeof parseEvent>[0], value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? undefined : r.error.issues[0]!.message;
};

describe('common field schemas', () => {
  it('name their rule in the error message', () => {
    expect(firstMessage(strategyName, 'Bad')).toBe('must be 1-63 chars of a-z, 0-9, "-", "_"');
    expect(firstMessage(workflowId, 'a b')).toBe('must be 1-80 chars of A-Z, a-z, 0-9, "-", "_"');
    expect(ok(parameters, { x: Number.POSITIVE_INFINITY })).toBe(false);
    const keyIssue = parameters.safeParse({ '1x': 1 }).error!.issues[0] as unknown as { path: unknown[]; issues: { message: string }[] };
    expect(keyIssue.path).toEqual(['1x']);
    expect(keyIssue.issues[0]!.message).toBe('invalid parameter name');
  });

  it('timestamps may carry an offset, not only Z', () => {
    expect(ok(isoTimestamp, '2026-01-01T00:00:00Z')).toBe(true);
    expect(ok(isoTimestamp, '2026-01-01T02:00:00+02:00')).toBe(true);
    expect(ok(isoTimestamp, '2026-01-01')).toBe(false);
  });

  it('parameter names start with a letter or "_", then up to 63 word chars, nothing around them', () => {
    expect(ok(parameters, { stop_loss: 1, _x: 'a', A1: true })).toBe(true);
    expect(ok(parameters, { ['a'.repeat(64)]: 1 })).toBe(true);
    expect(ok(parameters, { ['a'.repeat(65)]: 1 })).toBe(false);
    expect(ok(parameters, { '1abc': 1 })).toBe(false);
    expect(ok(parameters, { 'a-b': 1 })).toBe(false);
  });
});

describe('market symbols (data sync)', () => {
  it('are BASE/QUOTE of 1 to 20 upper-case chars or digits, nothing around them', () => {
    expect(ok(marketSymbol, 'BTC/USDT')).toBe(true);
    expect(ok(marketSymbol, '1INCH/USDT')).toBe(true);
    expect(ok(marketSymbol, `${'A'.repeat(20)}/${'B'.repeat(20)}`)).toBe(true);
    expect(ok(marketSymbol, `${'A'.repeat(21)}/B`)).toBe(false);
    expect(ok(marketSymbol, 'bBTC/USDT')).toBe(false);
    expect(ok(marketSymbol, 'BTC/USDTx')).toBe(false);
    expect(ok(marketSymbol, 'BTC-USDT')).toBe(false);
    expect(firstMessage(marketSymbol, 'btc/usdt')).toBe('must be a BASE/QUOTE symbol like BTC/USDT');
  });

  it('a sync request keeps its symbols and timeframes, and needs at least one of each', () => {
    const req = { symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h', '1d'] };
    expect(parseEvent(DataSyncRequest, req)).toEqual(req);
    expect(ok(DataSyncRequest, { symbols: [], timeframes: ['1h'] })).toBe(false);
    expect(ok(DataSyncRequest, { symbols: ['BTC/USDT'], timeframes: [] })).toBe(false);
    expect(ok(DataSyncRequest, {})).toBe(false);
  });
});

describe('backtest schemas', () => {
  it('request ids name their rule', () => {
    const request = { requestId: 'bad id', strategy: 's', symbols: ['BTC/USDT'], timeframe: '1h', startDate: '2026-01-01T00:00:00Z', endDate: '2026-02-01T00:00:00Z' };
    expect(firstMessage(BacktestRequest, request)).toBe('must be 1-64 chars of A-Z, a-z, 0-9, "-", "_"');
  });

  it('the workflow input keeps every field and needs the result key', () => {
    const input = {
      workflowId: 'bt-1',
      requestId: 'req-1',
      strategy: 'momo',
      configVersion: 2,
      symbols: ['BTC/USDT'],
      timeframe: '4h',
      startDate: '2026-01-01T00:00:00Z',
      endDate: '2026-02-01T00:00:00Z',
      parameters: { n: 3 },
      resultKey: 'backtests/bt-1/result.json',
    };
    expect(parseEvent(BacktestWorkflowInput, input)).toEqual(input);
    const { resultKey: _r, ...noKey } = input;
    expect(ok(BacktestWorkflowInput, noKey)).toBe(false);
  });

  it('the result file keeps its trades and refuses malformed trades', () => {
    const trade = { pair: 'BTC/USDT', openedAt: '2026-01-01T00:00:00Z', closedAt: '2026-01-01T01:00:00Z', profitAbs: 5, profitRatio: 0.05 };
    const file = {
      strategy: 's',
      timeframe: '1h',
      startingBalance: 100,
      equityCurve: [
        { timestamp: '2026-01-01T00:00:00Z', equity: 100 },
        { timestamp: '2026-01-01T01:00:00Z', equity: 105 },
      ],
      trades: [trade],
    };
    expect(parseEvent(BacktestResultFile, file).trades).toEqual([trade]);
    expect(ok(BacktestResultFile, { ...file, trades: [{ ...trade, pair: 1 }] })).toBe(false);
    expect(ok(BacktestResultFile, { ...file, trades: [{ ...trade, profitAbs: Number.NaN }] })).toBe(false);
  });

  it('the HTML report sits beside the result file, .json swapped for .html', () => {
    expect(reportKeyFor('backtests/bt-1/result.json')).toBe('backtests/bt-1/result.html');
    expect(reportKeyFor('backtests/bt-1/result')).toBe('backtests/bt-1/result.html');
    expect(reportKeyFor('backtests/bt-1/result.json.gz')).toBe('backtests/bt-1/result.json.gz.html');
    expect(reportKeyFor('.json/result.json')).toBe('.json/result.html');
  });
});

describe('parseJsonEvent', () => {
  it('reports malformed JSON on the (root) path', () => {
    let err: unknown;
    try {
      parseJsonEvent(DataSyncRequest, '{nope');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).path).toBe('(root)');
  });
});
