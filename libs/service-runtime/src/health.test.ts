import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHECK_TIMEOUT_MS, health } from './health.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('health', () => {
  it('answers ok without checks', async () => {
    expect(await health('svc', '1')).toEqual({ service: 'svc', status: 'ok', version: '1' });
  });

  it('answers ok with every check when all pass', async () => {
    const h = await health('svc', '1', { a: async () => undefined, b: async () => undefined });
    expect(h).toEqual({ service: 'svc', status: 'ok', version: '1', checks: { a: { status: 'ok' }, b: { status: 'ok' } } });
  });

  it('answers degraded when one check fails, naming why (also for a non-Error)', async () => {
    const h = await health('svc', '1', {
      a: async () => undefined,
      b: () => Promise.reject('refused'),
    });
    expect(h).toEqual({ service: 'svc', status: 'degraded', version: '1', checks: { a: { status: 'ok' }, b: { status: 'fail', detail: 'refused' } } });
  });

  it('fails a check that does not answer within the timeout', async () => {
    vi.useFakeTimers();
    const pending = health('svc', '1', { hung: () => new Promise<void>(() => undefined), quick: async () => undefined }, 250);
    await vi.advanceTimersByTimeAsync(249);
    let settled = false;
    void pending.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toEqual({
      service: 'svc',
      status: 'degraded',
      version: '1',
      checks: { hung: { status: 'fail', detail: 'no answer within 250 ms' }, quick: { status: 'ok' } },
    });
  });

  it('uses a 2 s default timeout and leaves no timer behind', async () => {
    vi.useFakeTimers();
    expect(CHECK_TIMEOUT_MS).toBe(2_000);
    const pending = health('svc', '1', { hung: () => new Promise<void>(() => undefined) });
    await vi.advanceTimersByTimeAsync(2_000);
    expect((await pending).checks).toEqual({ hung: { status: 'fail', detail: 'no answer within 2000 ms' } });
    expect(vi.getTimerCount()).toBe(0);
    await health('svc', '1', { ok: async () => undefined, bad: async () => Promise.reject(new Error('down')) });
    expect(vi.getTimerCount()).toBe(0);
  });
});
