import type { Environment } from './environment.js';
import { ConfigError } from './errors.js';

/**
 * Default of tradai:geoBlockCountries: the jurisdictions under comprehensive EU and US (OFAC)
 * sanctions, where a trading platform may not serve users anyway: Cuba, Iran, North Korea, Syria.
 * Crimea and the other occupied regions of Ukraine are sanctioned too but have no ISO country
 * code of their own, so geo matching cannot express them. Set the key to `[]` to block nothing,
 * or to another list (each code adds nothing to the WAF bill: one geo rule holds them all).
 */
export const GEO_BLOCK_DEFAULT = ['CU', 'IR', 'KP', 'SY'] as const;

/**
 * Where the foundation stack puts its interface endpoints (ECR api/dkr, Logs, STS):
 * - `multi-az`: one ENI in every private subnet; image pulls, logs and credentials never depend on
 *   the NAT instance (prod: a NAT instance outage must not stop ECS from pulling or logging).
 * - `single-az`: one ENI in the first private subnet (half the hourly charge; the other AZ
 *   crosses an AZ boundary, and an outage of that AZ takes the endpoints with it).
 * - `none`: no interface endpoints; that traffic leaves through the NAT instance, which charges no
 *   per-GB processing. The cost report prices all three with the same traffic (`endpoints`
 *   comparison); `none` is the cheapest, which is why dev and staging use it.
 */
export const INTERFACE_ENDPOINT_MODES = ['multi-az', 'single-az', 'none'] as const;
export type InterfaceEndpointMode = (typeof INTERFACE_ENDPOINT_MODES)[number];

/** Per environment default of tradai:interfaceEndpoints (see INTERFACE_ENDPOINT_MODES). */
export const INTERFACE_ENDPOINTS_DEFAULT: Readonly<Record<Environment, InterfaceEndpointMode>> = {
  dev: 'none',
  staging: 'none',
  prod: 'multi-az',
};

/** The API's public name and the Route 53 public hosted zone that serves it (tradai:apiDomain). */
export interface ApiDomain {
  /** `api.example.com`: the API custom domain; the ALB certificate covers the same name. */
  readonly domainName: string;
  /** Route 53 public hosted zone (`Z...`) of domainName or a parent: ACM validation and the alias record go there. */
  readonly hostedZoneId: string;
}

/** What the stacks need to know about TLS, from tradai:apiDomain or the hand-made certificate keys. */
export type TlsPlan =
  /** ACM certificate made and validated by the compute stack in the hosted zone. */
  | { readonly kind: 'managed'; readonly domainName: string; readonly hostedZoneId: string }
  /** tradai:certificateArn (compute) / tradai:customDomain (edge): a certificate made by hand. */
  | { readonly kind: 'imported'; readonly domainName?: string; readonly certificateArn?: string }
  /** HTTP between API Gateway and the ALB; `waived`: a TLS_REQUIRED_ENVIRONMENTS stack let through by tradai:allowNoTls. */
  | { readonly kind: 'none'; readonly waived: boolean };

/** Environments whose preview and up refuse to run without TLS unless tradai:allowNoTls is true. */
export const TLS_REQUIRED_ENVIRONMENTS: readonly Environment[] = ['prod'];

interface TlsInputs {
  readonly environment: Environment;
  readonly apiDomain?: ApiDomain;
  readonly certificateArn?: string;
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  readonly allowNoTls: boolean;
}

/**
 * How this stack gets TLS. Throws ConfigError when the keys contradict each other, or when a
 * TLS_REQUIRED_ENVIRONMENTS stack would run without TLS and tradai:allowNoTls does not say so:
 * the stack programs call this first, so both preview and up stop before planning anything.
 * @param layer which stack asks: compute holds the ALB certificate (certificateArn), edge the API
 *   custom domain (customDomain); apiDomain serves both.
 */
export function tlsPlan(cfg: TlsInputs, layer: 'compute' | 'edge'): TlsPlan {
  if (cfg.apiDomain && (cfg.certificateArn || cfg.customDomain)) {
    throw new ConfigError(
      'tradai:apiDomain',
      `is set together with ${cfg.certificateArn ? 'tradai:certificateArn' : 'tradai:customDomain'}: use apiDomain alone (the stacks make and validate the certificate) or the hand-made certificate keys alone`,
    );
  }
  if (cfg.apiDomain) return { kind: 'managed', domainName: cfg.apiDomain.domainName, hostedZoneId: cfg.apiDomain.hostedZoneId };
  const imported = layer === 'compute' ? cfg.certificateArn !== undefined : cfg.customDomain !== undefined;
  if (imported) {
    return layer === 'compute'
      ? { kind: 'imported', certificateArn: cfg.certificateArn }
      : { kind: 'imported', domainName: cfg.customDomain!.domainName, certificateArn: cfg.customDomain!.certificateArn };
  }
  const required = TLS_REQUIRED_ENVIRONMENTS.includes(cfg.environment);
  if (required && !cfg.allowNoTls) {
    throw new ConfigError(
      'tradai:apiDomain',
      `${cfg.environment} refuses to run without TLS: set tradai:apiDomain ({"domainName": "api.example.com", "hostedZoneId": "Z..."}) in infra/compute/Pulumi.${cfg.environment}.yaml and infra/edge/Pulumi.${cfg.environment}.yaml, ` +
        `or ${layer === 'compute' ? 'tradai:certificateArn' : 'tradai:customDomain'} for a hand-made certificate, or tradai:allowNoTls true to accept plain HTTP between API Gateway and the ALB`,
    );
  }
  return { kind: 'none', waived: required };
}

/** The warning a stack logs on every preview and up while tradai:allowNoTls waives TLS. */
export function tlsWaiverWarning(environment: Environment): string {
  return `tradai:allowNoTls is true: ${environment} runs plain HTTP between API Gateway and the ALB. Set tradai:apiDomain in the compute and edge stacks and remove tradai:allowNoTls`;
}
