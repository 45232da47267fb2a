import { describe, expect, it } from 'vitest';
import { CLI_USAGE, parseCliArgs, UsageError } from './cli-args.js';
import { formatSyncTable } from './table.js';

const ok = ['sync', '--exchange=binance', '--symbols=BTC/USDT,ETH/USDT', '--timeframe=1h', '--since=2024-01-01'];

describe('parseCliArgs', () => {
  it('parses the sync command with defaults', () => {
    expect(parseCliArgs(ok)).toEqual({
      command: 'sync',
      exchange: 'binance',
      symbols: ['BTC/USDT', 'ETH/USDT'],
      timeframes: ['1h'],
      since: Date.UTC(2024, 0, 1),
      store: './data/local-store',
    });
  });

  it('takes until, store, exchange-url and several timeframes', () => {
    const c = parseCliArgs([...ok.slice(0, 3), '--timeframe=1h,1d', '--since=2024-01-01', '--until=2024-02-01T00:00:00Z', '--store=/tmp/s', '--exchange-url=http://127.0.0.1:9']);
    expect(c).toMatchObject({ timeframes: ['1h', '1d'], until: Date.UTC(2024, 1, 1), store: '/tmp/s', exchangeUrl: 'http://127.0.0.1:9' });
  });

  it.each([
    [['fetch'], /unknown command "fetch"/],
    [[], /missing command/],
    [ok.filter((a) => !a.startsWith('--exchange=')), /--exchange is required/],
    [ok.map((a) => (a.startsWith('--symbols') ? '--symbols=BTC/USDT,' : a)), /--symbols has an empty entry/],
    [ok.map((a) => (a.startsWith('--symbols') ? '--symbols=BTCUSDT' : a)), /--symbols entry "BTCUSDT"/],
    [ok.map((a) => (a.startsWith('--timeframe') ? '--timeframe=2h' : a)), /--timeframe "2h"/],
    [ok.map((a) => (a.startsWith('--since') ? '--since=01/01/2024' : a)), /--since must be an ISO date/],
    [[...ok, '--until=2023-12-31'], /--until must be after --since/],
    [[...ok, '--symbol=BTC/USDT'], /unknown flag --symbol/],
    [[...ok, '--exchange=kraken'], /--exchange given twice/],
    [[...ok, '--exchange-url=nope'], /--exchange-url must be a URL/],
    [[...ok, 'extra'], /"extra" is not --flag=value/],
  ])('rejects %j: %s', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});

describe('parseCliArgs: edges', () => {
  const withFlag = (flag: string, value: string) => ok.map((a) => (a.startsWith(`--${flag}=`) ? `--${flag}=${value}` : a));

  it('trims flag values and list entries', () => {
    const c = parseCliArgs([...withFlag('exchange', ' binance ').slice(0, 2), '--symbols=BTC/USDT , ETH/USDT', '--timeframe= 1h , 4h ', '--since=2024-01-01']);
    expect(c).toMatchObject({ exchange: 'binance', symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h', '4h'] });
  });

  it('leaves until out when not given', () => {
    expect('until' in parseCliArgs(ok)).toBe(false);
    expect('exchangeUrl' in parseCliArgs(ok)).toBe(false);
  });

  it('needs until strictly after since: equal is a usage error, one ms later is fine', () => {
    expect(() => parseCliArgs([...ok, '--until=2024-01-01'])).toThrow('--until must be after --since');
    expect(parseCliArgs([...ok, '--until=2024-01-01T00:00:00.001Z']).until).toBe(Date.UTC(2024, 0, 1) + 1);
  });

  it('takes only whole --flag=value arguments', () => {
    expect(() => parseCliArgs([...ok, 'x--store=/tmp/s'])).toThrow('"x--store=/tmp/s" is not --flag=value');
    expect(() => parseCliArgs([...ok, '--store=/tmp/s\nx'])).toThrow('is not --flag=value');
  });

  it('lists the valid timeframes when one is not', () => {
    expect(() => parseCliArgs(withFlag('timeframe', '2h'))).toThrow('--timeframe "2h" is not one of 1m, 5m, 15m, 30m, 1h, 4h, 1d');
  });

  it('throws a UsageError, so the CLI can print the usage with it', () => {
    let err: unknown;
    try {
      parseCliArgs(['fetch']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).name).toBe('UsageError');
    expect(String(err)).toBe('UsageError: unknown command "fetch"');
  });

  it('documents every flag in the usage text', () => {
    expect(CLI_USAGE.split('\n')).toEqual([
      'usage: data sync --exchange=binance --symbols=BTC/USDT,ETH/USDT --timeframe=1h[,4h] --since=2024-01-01',
      '                 [--until=2024-02-01] [--store=./data/local-store] [--exchange-url=http://127.0.0.1:<port>]',
    ]);
  });
});

describe('formatSyncTable', () => {
  it('prints one aligned row per series', () => {
    const t = formatSyncTable([
      { symbol: 'BTC/USDT', timeframe: '1h', status: 'ok', fetched: 744, written: 744, first: Date.UTC(2024, 0, 1), last: Date.UTC(2024, 0, 31, 23) },
      { symbol: 'NOPE/USDT', timeframe: '1h', status: 'failed', fetched: 0, written: 0, error: 'unknown symbol' },
    ]);
    expect(t.split('\n')).toEqual([
      'symbol     timeframe  status  fetched  written  first              last               error',
      'BTC/USDT   1h         ok          744      744  2024-01-01T00:00Z  2024-01-31T23:00Z',
      'NOPE/USDT  1h         failed        0        0  -                  -                  unknown symbol',
    ]);
  });
});
