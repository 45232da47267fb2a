import ccxt from 'ccxt';
import { ValidationError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { createExchange, errorText, isTransient, retrying } from './exchange.js';

describe('createExchange', () => {
  it('builds a spot-only binance with the rate limiter on and a 10 s timeout', () => {
    const ex = createExchange({ exchange: 'binance' });
    expect(ex.id).toBe('binance');
    expect(ex.enableRateLimit).toBe(true);
    expect(ex.timeout).toBe(10_000);
    expect(ex.rateLimit).toBe(new ccxt.binance().rateLimit);
    expect(ex.options['defaultType']).toBe('spot');
    expect(ex.options['fetchCurrencies']).toBe(false);
    expect(ex.options['fetchMargins']).toBe(false);
    expect(ex.options['fetchMarkets']).toMatchObject({ types: ['spot'] });
  });

  it('applies credentials, rate limit, timeout and extra config', () => {
    const ex = createExchange({ exchange: 'binance', credentials: { apiKey: 'k', secret: 's' }, rateLimitMs: 7, timeoutMs: 1234, ccxtConfig: { options: { recvWindow: 9 } } });
    expect([ex.apiKey, ex.secret, ex.rateLimit, ex.timeout]).toEqual(['k', 's', 7, 1234]);
    expect(ex.options['recvWindow']).toBe(9);
    expect(ex.options['defaultType']).toBe('spot');
  });

  it('refuses an id ccxt does not know', () => {
    expect(() => createExchange({ exchange: 'nosuchx' })).toThrow(new ValidationError('unknown exchange "nosuchx": not a ccxt exchange id', 'exchange'));
    try {
      createExchange({ exchange: 'nosuchx' });
    } catch (e) {
      expect((e as ValidationError).path).toBe('exchange');
    }
  });
});

describe('retrying', () => {
  const failing = (errors: Error[], value = 'ok') => {
    let n = 0;
    const call = async () => {
      n++;
      const e = errors.shift();
      if (e) throw e;
      return value;
    };
    return { call, calls: () => n };
  };
  const noSleep = { sleep: async () => undefined, random: () => 0 };

  it('retries transient failures up to 4 tries by default, sleeping with backoff between', async () => {
    const slept: number[] = [];
    const f = failing([new ccxt.NetworkError('a'), new ccxt.RateLimitExceeded('b'), new ccxt.RequestTimeout('c')]);
    expect(await retrying(f.call, { sleep: async (ms) => void slept.push(ms), random: () => 0 })).toBe('ok');
    expect(f.calls()).toBe(4);
    expect(slept).toEqual([250, 500, 1000]);
    const g = failing(Array.from({ length: 4 }, () => new ccxt.NetworkError('down')));
    await expect(retrying(g.call, noSleep)).rejects.toThrow('down');
    expect(g.calls()).toBe(4);
  });

  it('sleeps on a real timer by default', async () => {
    const f = failing([new ccxt.NetworkError('a')]);
    expect(await retrying(f.call, { baseDelayMs: 2, random: () => 0 })).toBe('ok');
    expect(f.calls()).toBe(2);
  });

  it('honours attempts, with at least one try', async () => {
    const f = failing([new ccxt.NetworkError('a'), new ccxt.NetworkError('b')]);
    await expect(retrying(f.call, { ...noSleep, attempts: 2 })).rejects.toThrow('b');
    expect(f.calls()).toBe(2);
    const g = failing([new ccxt.NetworkError('a')]);
    await expect(retrying(g.call, { ...noSleep, attempts: 0 })).rejects.toThrow('a');
    expect(g.calls()).toBe(1);
  });

  it('does not retry a permanent error', async () => {
    const f = failing([new ccxt.InsufficientFunds('poor')]);
    await expect(retrying(f.call, noSleep)).rejects.toThrow('poor');
    expect(f.calls()).toBe(1);
    expect(isTransient(new ccxt.InsufficientFunds('x'))).toBe(false);
    expect(isTransient(new ccxt.ExchangeNotAvailable('x'))).toBe(true);
  });

  it('runs `before` ahead of each retry only, and returns what it finds', async () => {
    let befores = 0;
    const f = failing([new ccxt.NetworkError('a'), new ccxt.NetworkError('b')]);
    const found = await retrying(f.call, { ...noSleep, before: async () => (++befores === 2 ? 'found' : undefined) });
    expect(found).toBe('found');
    expect(f.calls()).toBe(2);
    expect(befores).toBe(2);
    let b2 = 0;
    expect(await retrying(async () => 'first', { ...noSleep, before: async () => (b2++, 'x') })).toBe('first');
    expect(b2).toBe(0);
  });
});

describe('errorText', () => {
  it('is Name: message, cut at 300 characters', () => {
    expect(errorText(new ccxt.NetworkError('down'))).toBe('NetworkError: down');
    expect(errorText('plain')).toBe('plain');
    expect(errorText('x'.repeat(300))).toBe('x'.repeat(300));
    expect(errorText('x'.repeat(301))).toBe(`${'x'.repeat(300)}...`);
  });
});
