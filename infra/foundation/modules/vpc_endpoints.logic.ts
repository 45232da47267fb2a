import type { InterfaceEndpointMode } from '@tradai/infra-shared';

/**
 * The VPC endpoints: what private workloads reach without the NAT instance. Gateway endpoints
 * (S3, DynamoDB) are free and sit in route tables; interface endpoints are ENIs in the private
 * subnets, chosen for the traffic that must not depend on the single NAT instance: image pulls
 * (ECR API + registry; layers come from S3), logs and role credentials. Each costs per AZ-hour,
 * so how many AZs (or whether at all) is tradai:interfaceEndpoints (INTERFACE_ENDPOINT_MODES).
 */

export const GATEWAY_ENDPOINTS = ['s3', 'dynamodb'] as const;
export const INTERFACE_ENDPOINTS = ['ecr.api', 'ecr.dkr', 'logs', 'sts'] as const;

export type GatewayEndpoint = (typeof GATEWAY_ENDPOINTS)[number];
export type InterfaceEndpoint = (typeof INTERFACE_ENDPOINTS)[number];

/** `com.amazonaws.<region>.<service>` */
export function endpointServiceName(region: string, service: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`"${region}" is not an AWS region name`);
  return `com.amazonaws.${region}.${service}`;
}

/** Component name for getResourceName: `ecr.api` -> `vpce-ecr-api`. */
export function endpointComponent(service: string): string {
  return `vpce-${service.replace(/\./g, '-')}`;
}

/**
 * The subnets that get an ENI of every interface endpoint, for `mode`: all private subnets, the
 * first only, or none (no interface endpoints: the traffic takes the NAT instance, whose egress
 * rules already allow HTTPS out for ECS, Lambda and the consolidated host).
 */
export function interfaceEndpointSubnets<T>(mode: InterfaceEndpointMode, privateSubnetIds: readonly T[]): T[] {
  if (privateSubnetIds.length === 0) throw new Error('interface endpoints: no private subnet to place them in');
  switch (mode) {
    case 'multi-az':
      return [...privateSubnetIds];
    case 'single-az':
      return [privateSubnetIds[0]!];
    case 'none':
      return [];
  }
}
