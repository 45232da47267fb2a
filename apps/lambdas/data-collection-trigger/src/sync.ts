import type { DataSyncRequest } from '@tradai/domain';
/** data-collection's sync route (API route 19); called directly over Service Discovery, not via API Gateway. */
export const DATA_SYNC_PATH = '/api/v1/data/sync';

/** The request body: the domain's DataSyncRequest, the schema data-collection validates it with. */
export type SyncRequest = DataSyncRequest;

export interface RetryPolicy {
  /** Total attempts, the first included. */
  readonly attempts: number;
  /** Delay before the 2nd attempt; doubles each time. */
  readonly baseDelayMs: number;
  readonly timeoutMs: number;
}

/** 3 attempts, 1 s then 2 s apart, 10 s per attempt: well inside the function timeout. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1000, timeoutMs: 10_000 };

/** The sync request failed for good: after the last retry, or at once on a 4xx (retrying cannot fix it). */
export class SyncFailedError extends Error {
  override readonly name = 'SyncFailedError';
  constructor(
    message: string,
    readonly attempts: number,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

export interface SyncResult {
  readonly httpStatus: number;
  readonly attempts: number;
  readonly body: unknown;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * POSTs `{symbols, timeframes}` to `url`. 5xx, timeouts and connection errors are retried with
 * exponential backoff; a 4xx, or an error of `fetchImpl` marked `retryable: false`, fails at
 * once. The error names the URL, the status and the start of the response body.
 */
export async function triggerSync(url: string, request: SyncRequest, policy: RetryPolicy = DEFAULT_RETRY, fetchImpl: typeof fetch = fetch, wait: (ms: number) => Promise<void> = sleep): Promise<SyncResult> {
  let last = '';
  let lastStatus: number | undefined;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) await wait(policy.baseDelayMs * 2 ** (attempt - 2));
    try {
      const res = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ symbols: request.symbols, timeframes: request.timeframes }),
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      const text = await res.text();
      if (res.ok) return { httpStatus: res.status, attempts: attempt, body: parseBody(text) };
      lastStatus = res.status;
      last = `HTTP ${res.status}: ${text.slice(0, 200)}`;
      if (res.status < 500) throw new SyncFailedError(`data sync rejected by ${url}: ${last}`, attempt, res.status);
    } catch (err) {
      if (err instanceof SyncFailedError) throw err;
      const e = err as Error & { cause?: { code?: string; message?: string }; retryable?: boolean };
      // An error that says retrying cannot help (e.g. Cognito refusing the M2M client) ends the loop.
      if (e.retryable === false) throw new SyncFailedError(`data sync via ${url} failed: ${e.message}`, attempt);
      lastStatus = undefined;
      last = e.name === 'TimeoutError' ? `no answer within ${policy.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    }
  }
  throw new SyncFailedError(`data sync via ${url} failed after ${policy.attempts} attempts: ${last}`, policy.attempts, lastStatus);
}

function parseBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text.slice(0, 200);
  }
}
