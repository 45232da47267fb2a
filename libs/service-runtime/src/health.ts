import * as z from 'zod/mini';

/** A readiness check: resolves when the dependency is usable, throws (with a reason) when not. */
export type ReadinessCheck = () => Promise<void>;

export const CheckResult = z.object({ status: z.enum(['ok', 'fail']), detail: z.optional(z.string()) });

export const HealthResponse = z.object({
  service: z.string(),
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  checks: z.optional(z.record(z.string(), CheckResult)),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

/** ECS probes with a 5 s timeout: each check gets less, so a hung dependency reads as `fail`, not as a dead task. */
export const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<z.infer<typeof CheckResult>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return { status: 'ok' };
  } catch (err) {
    return { status: 'fail', detail: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check concurrently; `degraded` (HTTP 503) when any fails. */
export async function health(
  service: string,
  version: string,
  checks: Readonly<Record<string, ReadinessCheck>> = {},
  timeoutMs: number = CHECK_TIMEOUT_MS,
): Promise<HealthResponse> {
  const names = Object.keys(checks);
  if (names.length === 0) return { service, status: 'ok', version };
  const results = await Promise.all(names.map((n) => runCheck(checks[n]!, timeoutMs)));
  const byName = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
  return { service, status: results.every((r) => r.status === 'ok') ? 'ok' : 'degraded', version, checks: byName };
}
