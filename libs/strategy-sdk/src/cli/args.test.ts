import { ValidationError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { parseBacktestArgs, parseDateFlag, USAGE } from './args.js';

const DAY_MS = 86_400_000;
const minimal = () => ['--strategy=sma-cross', '--symbols=BTC/USDT', '--start=2024-01-01', '--end=2024-01-31'];

/** The ValidationError parseBacktestArgs throws for these flags (fails the test when none is thrown). */
function refusal(flags: string[]): ValidationError {
  try {
    parseBacktestArgs(flags);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error(`accepted ${flags.join(' ')}`);
}

/** Minimal flags with the later flags overriding (parseArgs keeps the last value of a repeated flag). */
const refusalWith = (...flags: string[]) => refusal([...minimal(), ...flags]);

describe('parseBacktestArgs: defaults and accepted flags', () => {
  it('fills the defaults and leaves the optional flags out when only the required ones are given', () => {
    // toStrictEqual: an optional flag that was not given must not appear as an `undefined` key either.
    expect(parseBacktestArgs(minimal())).toStrictEqual({
      strategy: 'sma-cross',
      symbols: ['BTC/USDT'],
      start: Date.UTC(2024, 0, 1),
      end: Date.UTC(2024, 1, 1),
      store: 'data/sample-store',
      exchange: 'binance',
      params: {},
      trainDays: 90,
    });
  });

  it('returns every flag when all are given', () => {
    const args = parseBacktestArgs([
      '--strategy=mean_model-2',
      '--symbols=BTC/USDT,ETH/USDT',
      '--timeframe=4h',
      '--start=2024-01-01T06:00:00Z',
      '--end=2024-02-01T00:00Z',
      '--store=/tmp/store',
      '--exchange=binance.us',
      '--params={"fast":10,"mode":"x","on":true}',
      '--config=cfg.json',
      '--train-days=1',
      '--out=r.json',
      '--html=r.html',
    ]);
    expect(args).toStrictEqual({
      strategy: 'mean_model-2',
      symbols: ['BTC/USDT', 'ETH/USDT'],
      timeframe: '4h',
      start: Date.UTC(2024, 0, 1, 6),
      end: Date.UTC(2024, 1, 1),
      store: '/tmp/store',
      exchange: 'binance.us',
      params: { fast: 10, mode: 'x', on: true },
      config: 'cfg.json',
      trainDays: 1,
      out: 'r.json',
      html: 'r.html',
    });
  });

  it('keeps --out alone and --html alone (only the same path for both is refused)', () => {
    expect(parseBacktestArgs([...minimal(), '--out=a.json'])).toMatchObject({ out: 'a.json' });
    expect(parseBacktestArgs([...minimal(), '--out=a.json'])).not.toHaveProperty('html');
    expect(parseBacktestArgs([...minimal(), '--html=a.html'])).toMatchObject({ html: 'a.html' });
    expect(parseBacktestArgs([...minimal(), '--html=a.html'])).not.toHaveProperty('out');
    expect(parseBacktestArgs([...minimal(), '--out=a', '--html=b'])).toMatchObject({ out: 'a', html: 'b' });
  });

  it('trims symbols and drops empty entries between commas', () => {
    expect(parseBacktestArgs([...minimal(), '--symbols= BTC/USDT ,,ETH/USDT,']).symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
  });

  it('accepts symbol parts of exactly 2 and exactly 15 characters', () => {
    expect(parseBacktestArgs([...minimal(), '--symbols=AB/CD']).symbols).toEqual(['AB/CD']);
    const long = 'ABCDEFGHIJ12345'; // 15
    expect(parseBacktestArgs([...minimal(), `--symbols=${long}/${long}`]).symbols).toEqual([`${long}/${long}`]);
  });

  it('accepts one-character and dotted/underscored exchange ids', () => {
    expect(parseBacktestArgs([...minimal(), '--exchange=a']).exchange).toBe('a');
    expect(parseBacktestArgs([...minimal(), '--exchange=0x_y.z']).exchange).toBe('0x_y.z');
  });

  it('takes --train-days=1 (the smallest) and a large whole number', () => {
    expect(parseBacktestArgs([...minimal(), '--train-days=1']).trainDays).toBe(1);
    expect(parseBacktestArgs([...minimal(), '--train-days=365']).trainDays).toBe(365);
  });

  it('accepts a window of one millisecond (end just after start)', () => {
    const args = parseBacktestArgs([...minimal(), '--start=2024-01-01T00:00:00Z', '--end=2024-01-01T00:00:00.001Z']);
    expect(args.end - args.start).toBe(1);
  });

  it('reads a one-day window when --start and a date-only --end are the same day', () => {
    const args = parseBacktestArgs([...minimal(), '--start=2024-01-01', '--end=2024-01-01']);
    expect(args.end - args.start).toBe(DAY_MS);
  });
});

describe('parseBacktestArgs: refusals name the flag', () => {
  it.each(['strategy', 'symbols', 'start', 'end'])('refuses a missing --%s with the usage', (flag) => {
    const err = refusal(minimal().filter((f) => !f.startsWith(`--${flag}=`)));
    expect(err.message).toBe(`--${flag}: is required (${USAGE})`);
    expect(err.path).toBe(flag);
  });

  it.each(['strategy', 'symbols', 'start', 'end'])('treats an empty --%s= as missing', (flag) => {
    expect(refusalWith(`--${flag}=`).message).toBe(`--${flag}: is required (${USAGE})`);
  });

  it('spells out every flag in the usage', () => {
    expect(USAGE).toBe(
      'usage: backtest --strategy=<name> --symbols=BTC/USDT[,ETH/USDT] --start=YYYY-MM-DD --end=YYYY-MM-DD [--timeframe=1h] ' +
        "[--store=data/sample-store] [--exchange=binance] [--params='{\"fast\":10}'] [--config=<file.json>] [--train-days=90] [--out=<result.json>] [--html=<report.html>]",
    );
  });

  it('refuses a strategy name that is not one', () => {
    const err = refusalWith('--strategy=Bad');
    expect(err.message).toBe('--strategy: "Bad" is not a strategy name (1-63 chars of a-z, 0-9, "-", "_")');
    expect(err.path).toBe('strategy');
  });

  it('refuses a symbol list with nothing in it', () => {
    const err = refusalWith('--symbols= , ,');
    expect(err.message).toBe('--symbols: give at least one symbol, e.g. BTC/USDT');
    expect(err.path).toBe('symbols');
  });

  it.each([
    ['lower case', 'btc/usdt'],
    ['no slash', 'BTCUSDT'],
    ['a 1-character base', 'B/USDT'],
    ['a 1-character quote', 'BTC/U'],
    ['a 16-character base', 'ABCDEFGHIJ123456/USDT'],
    ['a 16-character quote', 'BTC/ABCDEFGHIJ123456'],
    ['a prefix before the base', '-BTC/USDT'],
    ['a suffix after the quote', 'BTC/USDT-'],
    ['a dash inside', 'BTC/US-DT'],
  ])('refuses a symbol with %s', (_what, symbol) => {
    const err = refusalWith(`--symbols=ETH/USDT,${symbol}`);
    expect(err.message).toBe(`--symbols: "${symbol}" must look like BTC/USDT`);
    expect(err.path).toBe('symbols');
  });

  it('refuses a symbol listed twice, also after trimming', () => {
    expect(refusalWith('--symbols=BTC/USDT,ETH/USDT,BTC/USDT').message).toBe('--symbols: a symbol is listed twice');
    expect(refusalWith('--symbols=BTC/USDT, BTC/USDT').message).toBe('--symbols: a symbol is listed twice');
  });

  it('refuses an unknown timeframe, listing the known ones', () => {
    const err = refusalWith('--timeframe=2h');
    expect(err.message).toBe('--timeframe: "2h" is not one of 1m, 5m, 15m, 30m, 1h, 4h, 1d');
    expect(err.path).toBe('timeframe');
  });

  it('refuses an end equal to the start, and one before it', () => {
    const same = refusalWith('--start=2024-01-01T00:00:00Z', '--end=2024-01-01T00:00:00Z');
    expect(same.message).toBe('--end: must be after --start');
    expect(same.path).toBe('end');
    expect(refusalWith('--start=2024-01-02', '--end=2023-12-31').message).toBe('--end: must be after --start');
  });

  it.each(['Binance', '_binance', '.binance', 'bin-ance', 'Xbinance', 'binance-x', 'binance '])('refuses the exchange id %j', (exchange) => {
    const err = refusalWith(`--exchange=${exchange}`);
    expect(err.message).toBe(`--exchange: "${exchange}" must be a lower-case ccxt id, e.g. binance`);
    expect(err.path).toBe('exchange');
  });

  it('refuses --params that are not JSON, quoting them', () => {
    const err = refusalWith('--params={fast:3}');
    expect(err.message).toBe('--params: not valid JSON: {fast:3}');
    expect(err.path).toBe('params');
  });

  it('refuses --params that are JSON but not a parameter object, with the schema message', () => {
    const err = refusalWith('--params=[1]');
    expect(err.message).toBe('--params: invalid parameters: (root): Invalid input');
    expect(err.path).toBe('params');
    expect(refusalWith('--params={"a":{"b":1}}').message).toBe('--params: invalid parameters: a: Invalid input');
  });

  it.each(['0', '-1', '1.5', 'abc', '', ' '])('refuses --train-days=%j', (days) => {
    const err = refusalWith(`--train-days=${days}`);
    expect(err.message).toBe(`--train-days: "${days}" must be a whole number of days >= 1`);
    expect(err.path).toBe('train-days');
  });

  it('refuses the same path for --out and --html', () => {
    const err = refusalWith('--out=same', '--html=same');
    expect(err.message).toBe('--html: must differ from --out');
    expect(err.path).toBe('html');
  });

  it('refuses an unknown flag, a positional and a flag without value with node:util first line', () => {
    expect(refusalWith('--fast=3').message).toBe("Unknown option '--fast'");
    expect(refusalWith('--fast=3').path).toBe('(args)');
    expect(refusalWith('pos').message).toBe("Unexpected argument 'pos'. This command does not take positional arguments");
    expect(refusalWith('--strategy').message).toBe("Option '--strategy <value>' argument missing");
  });

  it('refuses an unknown short option the same way', () => {
    expect(refusalWith('-x').message).toBe("Unknown option '-x'");
  });
});

describe('parseDateFlag', () => {
  it('reads YYYY-MM-DD as UTC midnight for --start and the next midnight for --end', () => {
    expect(parseDateFlag('start', '2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(parseDateFlag('end', '2024-02-29')).toBe(Date.UTC(2024, 2, 1));
    expect(parseDateFlag('end', '2023-12-31')).toBe(Date.UTC(2024, 0, 1));
  });

  it('reads ISO timestamps as given (no day added for --end), with or without seconds and milliseconds', () => {
    expect(parseDateFlag('end', '2024-06-30T12:00:00Z')).toBe(Date.UTC(2024, 5, 30, 12));
    expect(parseDateFlag('start', '2024-06-30T12:34Z')).toBe(Date.UTC(2024, 5, 30, 12, 34));
    expect(parseDateFlag('start', '2024-06-30T12:34:56.789Z')).toBe(Date.UTC(2024, 5, 30, 12, 34, 56, 789));
    expect(parseDateFlag('start', '2024-06-30T12:34:56.7Z')).toBe(Date.UTC(2024, 5, 30, 12, 34, 56, 700));
  });

  it('applies a positive or negative offset', () => {
    expect(parseDateFlag('start', '2024-06-30T12:00:00+02:00')).toBe(Date.UTC(2024, 5, 30, 10));
    expect(parseDateFlag('end', '2024-06-30T12:00:00-05:30')).toBe(Date.UTC(2024, 5, 30, 17, 30));
  });

  it.each(['2024-02-30', '2023-02-29', '2024-13-01', '2024-00-10', '2024-04-31'])('refuses %s as not a calendar date', (text) => {
    expect(() => parseDateFlag('start', text)).toThrow(new ValidationError(`--start: "${text}" is not a calendar date`, 'start'));
    expect(() => parseDateFlag('end', text)).toThrow(`--end: "${text}" is not a calendar date`);
  });

  it.each([
    'yesterday',
    '',
    '202-01-01',
    '20245-01-01',
    '2024-1-01',
    '2024-011-01',
    '2024-01-1',
    '2024-01-011',
    'x2024-01-01',
    '2024-01-01x',
    '2024/01/01',
    '2024-01-01T00:00:00', // no offset: local time would depend on the machine
    '2024-01-01T00:00:00+0200',
    '2024-01-01T00:00:00.Z',
    '2024-01-01T0:00Z',
    '2024-01-01T00:0Z',
    '2024-01-01T00:00:0Z',
    '2024-01-01T00:00:00*02:00',
    '2024-01-01T00:00:00+2:00',
    '2024-01-01T00:00:00+02:0',
    'x2024-01-01T00:00:00Z',
    '+002024-01-01T00:00:00Z', // an expanded year Date.parse would read: the whole text must be the format
    '2024-01-01T00:00:00Zx',
    '2024-01-01 00:00:00Z',
    '2024-01-01T25:00:00Z', // well-formed but no time of day
  ])('refuses %j as not a date', (text) => {
    const err = (() => {
      try {
        parseDateFlag('end', text);
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error(`accepted ${text}`);
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe(`--end: "${text}" is not a date (use YYYY-MM-DD or an ISO timestamp like 2024-01-01T00:00:00Z)`);
    expect(err.path).toBe('end');
  });
});
