import { describe, expect, it } from 'vitest';
import { SERVICE_ENDPOINTS, SERVICE_ENDPOINT_NAMES, STALE_HEARTBEAT_METRIC, serviceDiscoveryUrl } from './index.js';

describe('SERVICE_ENDPOINTS', () => {
  it('lists the 7 services with the ports and health paths of DESIGN.md', () => {
    expect(SERVICE_ENDPOINT_NAMES).toHaveLength(7);
    expect(Object.fromEntries(SERVICE_ENDPOINT_NAMES.map((n) => [n, SERVICE_ENDPOINTS[n].port]))).toEqual({
      'backend-api': 8000,
      'data-collection': 8002,
      'strategy-service': 8003,
      mlflow: 5000,
      'live-trading': 8004,
      'dry-run-trading': 8005,
      'shadow-trading': 8006,
    });
    expect(new Set(Object.values(SERVICE_ENDPOINTS).map((s) => s.port)).size).toBe(7);
  });

  it('builds the Service Discovery address from service, namespace, port and path', () => {
    expect(serviceDiscoveryUrl('mlflow', 'tradai-dev.local')).toBe('http://mlflow.tradai-dev.local:5000/mlflow/health');
    expect(serviceDiscoveryUrl('data-collection', 'tradai-dev.local', '/api/v1/data/sync')).toBe('http://data-collection.tradai-dev.local:8002/api/v1/data/sync');
    expect(() => serviceDiscoveryUrl('mlflow', '')).toThrow(/namespace/);
    expect(() => serviceDiscoveryUrl('mlflow', 'ns', 'health')).toThrow(/must start with/);
  });
});

describe('STALE_HEARTBEAT_METRIC', () => {
  it('is the metric the edge alarm watches', () => {
    expect(STALE_HEARTBEAT_METRIC).toEqual({ namespace: 'TradAI', metricName: 'StaleHeartbeats', dimensionName: 'Environment' });
  });
});
