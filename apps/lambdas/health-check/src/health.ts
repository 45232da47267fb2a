import { SERVICE_ENDPOINTS, serviceDiscoveryUrl, type ServiceEndpointName } from '@tradai/contracts';
import type { HealthItem } from '@tradai/domain';

export type HealthStatus = 'healthy' | 'unhealthy';

/** Where to reach a service's health path; injected so tests can point at a local server. */
export type UrlResolver = (service: ServiceEndpointName) => string;

/** The outcome of one HTTP probe. */
export interface ProbeResult {
  readonly service: ServiceEndpointName;
  readonly url: string;
  readonly status: HealthStatus;
  readonly checkedAt: string;
  readonly latencyMs: number;
  /** HTTP status when the service answered at all. */
  readonly httpStatus?: number;
  /** Why the probe counts as unhealthy (timeout, refused, non-2xx). */
  readonly error?: string;
}

export interface Transition {
  readonly service: string;
  readonly from: HealthStatus;
  readonly to: HealthStatus;
  readonly at: string;
  readonly error?: string;
}

/** The Cloud Map address of each service: `http://<service>.<namespace>:<port><healthPath>`. */
export function serviceDiscoveryResolver(namespace: string): UrlResolver {
  return (service) => serviceDiscoveryUrl(service, namespace, SERVICE_ENDPOINTS[service].healthPath);
}

/**
 * GETs `url` with a timeout; any 2xx is healthy, anything else (non-2xx, refused, DNS failure,
 * timeout) is unhealthy with the reason. Never throws: one dead service must not hide the others.
 */
export async function probe(service: ServiceEndpointName, url: string, timeoutMs: number, fetchImpl: typeof fetch = fetch, now: () => number = Date.now): Promise<ProbeResult> {
  const started = now();
  const checkedAt = new Date(started).toISOString();
  try {
    const res = await fetchImpl(url, { method: 'GET', signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    // Drain the body so the socket is released; its content does not matter.
    await res.arrayBuffer().catch(() => undefined);
    const latencyMs = now() - started;
    if (res.status >= 200 && res.status < 300) return { service, url, status: 'healthy', checkedAt, latencyMs, httpStatus: res.status };
    return { service, url, status: 'unhealthy', checkedAt, latencyMs, httpStatus: res.status, error: `HTTP ${res.status} from ${url}` };
  } catch (err) {
    const latencyMs = now() - started;
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { service, url, status: 'unhealthy', checkedAt, latencyMs, error: `${reason} (${url})` };
  }
}

/** Probes every service in parallel. */
export function probeAll(services: readonly ServiceEndpointName[], resolve: UrlResolver, timeoutMs: number, fetchImpl: typeof fetch = fetch): Promise<ProbeResult[]> {
  return Promise.all(services.map((s) => probe(s, resolve(s), timeoutMs, fetchImpl)));
}

/**
 * Folds this run's probes into the previous health_state rows. A transition is a change of
 * status; a service seen for the first time is compared against "healthy", so a service that is
 * down from the start alerts once and a healthy newcomer does not.
 */
export function nextHealthState(previous: ReadonlyMap<string, HealthItem>, probes: readonly ProbeResult[]): { records: HealthItem[]; transitions: Transition[] } {
  const records: HealthItem[] = [];
  const transitions: Transition[] = [];
  for (const p of probes) {
    const prev = previous.get(p.service);
    const before: HealthStatus = prev?.status ?? 'healthy';
    const changed = before !== p.status;
    if (changed) transitions.push({ service: p.service, from: before, to: p.status, at: p.checkedAt, ...(p.error ? { error: p.error } : {}) });
    records.push({
      service: p.service,
      status: p.status,
      checked_at: p.checkedAt,
      changed_at: changed || !prev?.changed_at ? p.checkedAt : prev.changed_at,
      consecutive_failures: p.status === 'healthy' ? 0 : (prev?.consecutive_failures ?? 0) + 1,
      latency_ms: p.latencyMs,
      ...(p.httpStatus !== undefined ? { http_status: p.httpStatus } : {}),
      ...(p.error ? { error: p.error } : {}),
    });
  }
  return { records, transitions };
}

/** Subject and body of the alert for this run's transitions (undefined when nothing changed). */
export function transitionAlert(transitions: readonly Transition[], environment: string): { subject: string; message: string } | undefined {
  if (transitions.length === 0) return undefined;
  const down = transitions.filter((t) => t.to === 'unhealthy').map((t) => t.service);
  const up = transitions.filter((t) => t.to === 'healthy').map((t) => t.service);
  const parts = [down.length ? `DOWN: ${down.join(', ')}` : '', up.length ? `RECOVERED: ${up.join(', ')}` : ''].filter(Boolean);
  const lines = transitions.map((t) => `${t.service}: ${t.from} -> ${t.to} at ${t.at}${t.error ? ` (${t.error})` : ''}`);
  return { subject: `[tradai-${environment}] health: ${parts.join('; ')}`.slice(0, 99), message: lines.join('\n') };
}
