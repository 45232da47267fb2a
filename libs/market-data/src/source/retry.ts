/** How a transient failure is retried: exponential backoff with jitter, honouring Retry-After. */
export interface RetryOptions {
  /** Total tries including the first (default 5). */
  readonly attempts?: number;
  /** Delay before the first retry, before jitter (default 500 ms); doubles each retry. */
  readonly baseDelayMs?: number;
  /** Cap of one delay, Retry-After included (default 30 s). */
  readonly maxDelayMs?: number;
  /** Jitter source in [0, 1) (default Math.random); tests pass a constant. */
  readonly random?: () => number;
  /** Waits `ms` or rejects when `signal` aborts (default a timer); tests record the delays. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Delay before retry number `retry` (1-based): "equal jitter" (half fixed, half random) of
 * base * 2^(retry-1), at least the server's Retry-After, never above the cap. Jitter spreads
 * the retries of many series that failed together.
 */
export function backoffDelay(retry: number, options: RetryOptions, retryAfterMs?: number): number {
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 30_000;
  const exp = Math.min(cap, base * 2 ** (retry - 1));
  const jittered = exp / 2 + (exp / 2) * (options.random ?? Math.random)();
  return Math.min(cap, Math.max(jittered, retryAfterMs ?? 0));
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Runs `attempt` until it succeeds, `isRetryable` says no, or the attempts run out; then rethrows
 * the last error. `onAttempt` counts the tries (each is one request).
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  options: RetryOptions & {
    isRetryable: (error: unknown) => boolean;
    retryAfterMs?: (error: unknown) => number | undefined;
    onAttempt?: () => void;
    signal?: AbortSignal;
  },
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 5);
  const wait = options.sleep ?? sleep;
  for (let i = 1; ; i++) {
    options.signal?.throwIfAborted();
    options.onAttempt?.();
    try {
      return await attempt();
    } catch (error) {
      if (i >= attempts || !options.isRetryable(error)) throw error;
      await wait(backoffDelay(i, options, options.retryAfterMs?.(error)), options.signal);
    }
  }
}
