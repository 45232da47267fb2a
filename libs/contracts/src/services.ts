/**
 * Where each of the 7 ECS services listens (DESIGN.md, Services table). The infra config builds
 * target groups, security rules and Cloud Map health checks from it; health-check and
 * data-collection-trigger call the same ports and paths over Service Discovery. One table, so a
 * port change cannot leave the probes pointing at the old one.
 */
export interface ServiceEndpoint {
  readonly port: number;
  /** Path that answers 200 when the service is up. */
  readonly healthPath: string;
}

export const SERVICE_ENDPOINTS = {
  'backend-api': { port: 8000, healthPath: '/health' },
  'data-collection': { port: 8002, healthPath: '/health' },
  'strategy-service': { port: 8003, healthPath: '/health' },
  mlflow: { port: 5000, healthPath: '/mlflow/health' },
  'live-trading': { port: 8004, healthPath: '/health' },
  'dry-run-trading': { port: 8005, healthPath: '/health' },
  'shadow-trading': { port: 8006, healthPath: '/health' },
} as const satisfies Record<string, ServiceEndpoint>;

export type ServiceEndpointName = keyof typeof SERVICE_ENDPOINTS;
export const SERVICE_ENDPOINT_NAMES = Object.keys(SERVICE_ENDPOINTS) as ServiceEndpointName[];

/**
 * `http://<service>.<namespace>:<port><path>`: the Cloud Map (Service Discovery) address of a
 * service inside the VPC. `path` defaults to the service's health path.
 */
export function serviceDiscoveryUrl(service: ServiceEndpointName, namespace: string, path: string = SERVICE_ENDPOINTS[service].healthPath): string {
  if (!namespace) throw new Error(`serviceDiscoveryUrl: empty Service Discovery namespace for ${service}`);
  if (!path.startsWith('/')) throw new Error(`serviceDiscoveryUrl: path must start with "/", got "${path}"`);
  return `http://${service}.${namespace}:${SERVICE_ENDPOINTS[service].port}${path}`;
}
