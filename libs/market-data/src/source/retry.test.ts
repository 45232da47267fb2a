import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sleep, withRetry } from './retry.js';

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves only once the delay has passed', async () => {
    let done = false;
    const p = sleep(1_000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    await p;
  });

  it('rejects at once with the reason of a signal aborted before', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(sleep(1_000, controller.signal)).rejects.toThrow('stop');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with the abort reason and clears its timer when aborted while waiting', async () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    const p = sleep(60_000, controller.signal);
    const outcome = p.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    expect(add).toHaveBeenCalledWith('abort', expect.any(Function), { once: true });
    expect(vi.getTimerCount()).toBe(1);
    controller.abort(new Error('cancelled'));
    expect(vi.getTimerCount()).toBe(0);
    const e = await outcome;
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toBe('cancelled');
  });

  it('stops listening to the signal once the delay has passed', async () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const p = sleep(10, controller.signal);
    await vi.advanceTimersByTimeAsync(10);
    await p;
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it('is what withRetry waits with by default', async () => {
    let calls = 0;
    const p = withRetry(
      async () => {
        calls++;
        if (calls === 1) throw new Error('transient');
        return 'ok';
      },
      { isRetryable: () => true, attempts: 2, baseDelayMs: 1_000, maxDelayMs: 1_000, random: () => 0 },
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await expect(p).resolves.toBe('ok');
  });
});
