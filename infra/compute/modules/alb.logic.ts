import {
  ALB_MAX_VALUES_PER_RULE,
  ALB_PATH_PATTERNS,
  SERVICES,
  SERVICE_NAMES,
  getResourceName,
  isConsolidatedMode,
  type Environment,
  type ServiceName,
  type TradaiConfig,
} from '@tradai/infra-shared';

/** Services routed through the ALB, in SERVICES order. */
export const ALB_SERVICE_NAMES: readonly ServiceName[] = SERVICE_NAMES.filter((s) => SERVICES[s].alb);

/** One listener rule: forward `paths` to `service`'s target group. */
export interface ListenerRulePlan {
  readonly service: ServiceName;
  readonly priority: number;
  /** At most ALB_MAX_VALUES_PER_RULE patterns. */
  readonly paths: readonly string[];
  /** Logical-name suffix: `backend-api-1`, `backend-api-2`. */
  readonly key: string;
}

/** First rule priority; leaves 1..9 free for manual maintenance rules in front of the plan. */
export const FIRST_RULE_PRIORITY = 10;
/** Gap between services' priority blocks, so a service may grow rules without renumbering others. */
export const PRIORITY_BLOCK = 10;

/**
 * Listener rules for the path patterns: one block of priorities per service (in `services` order),
 * each service's patterns split into chunks of at most `maxValues` (the AWS limit on condition
 * values per rule). Throws when a service has no pattern or outgrows its priority block.
 */
export function listenerRulePlan(
  patterns: Readonly<Partial<Record<ServiceName, readonly string[]>>> = ALB_PATH_PATTERNS,
  services: readonly ServiceName[] = ALB_SERVICE_NAMES,
  maxValues: number = ALB_MAX_VALUES_PER_RULE,
): ListenerRulePlan[] {
  if (!Number.isInteger(maxValues) || maxValues < 1) throw new Error(`listenerRulePlan: maxValues must be a positive integer, got ${maxValues}`);
  const plan: ListenerRulePlan[] = [];
  const seen = new Map<string, ServiceName>();
  services.forEach((service, index) => {
    const paths = patterns[service];
    if (!paths?.length) throw new Error(`ALB_PATH_PATTERNS has no path pattern for ALB service ${service}`);
    for (const p of paths) {
      const owner = seen.get(p);
      if (owner) throw new Error(`ALB path pattern ${p} is routed to both ${owner} and ${service}`);
      seen.set(p, service);
    }
    const chunks = Math.ceil(paths.length / maxValues);
    if (chunks > PRIORITY_BLOCK) throw new Error(`${service} needs ${chunks} listener rules, more than its priority block of ${PRIORITY_BLOCK}`);
    for (let c = 0; c < chunks; c++) {
      plan.push({
        service,
        priority: FIRST_RULE_PRIORITY + index * PRIORITY_BLOCK + c,
        paths: paths.slice(c * maxValues, (c + 1) * maxValues),
        key: `${service}-${c + 1}`,
      });
    }
  });
  return plan;
}

/**
 * Target type of a service's target group. Fargate tasks (awsvpc) register their ENI IPs: `ip`.
 * In consolidated mode the four consolidated services run on the EC2 host, which the Auto Scaling
 * group registers by instance id at the group's port: `instance` (an `ip` group would need the
 * host's IP, which changes whenever the group replaces the instance).
 */
export function targetTypeFor(service: ServiceName, cfg: TradaiConfig): 'ip' | 'instance' {
  return isConsolidatedMode(cfg) && SERVICES[service].consolidated ? 'instance' : 'ip';
}

/** Target group names are limited to 32 characters by ELB. */
export const TARGET_GROUP_NAME_MAX = 32;

/** `tradai-backend-api-dev`; throws if ELB would refuse it. */
export function targetGroupName(service: ServiceName, env: Environment): string {
  const name = getResourceName(service, env);
  if (name.length > TARGET_GROUP_NAME_MAX) throw new Error(`target group name ${name} is longer than ${TARGET_GROUP_NAME_MAX} characters`);
  return name;
}

/** Health check of a service's target group (path from SERVICES). */
export function targetGroupHealthCheck(service: ServiceName) {
  return {
    enabled: true,
    path: SERVICES[service].healthCheckPath,
    port: 'traffic-port',
    protocol: 'HTTP',
    matcher: '200',
    interval: 30,
    timeout: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 3,
  };
}

/**
 * TLS policy of the HTTPS listener: TLS 1.3 with 1.2 fallback, forward secrecy only.
 * See https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */
export const HTTPS_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** The HTTP listener's only action once there is an HTTPS listener. */
export const HTTP_TO_HTTPS_REDIRECT = {
  type: 'redirect',
  redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' },
} as const;

/** One of ACM's `domainValidationOptions`. */
export interface DomainValidationOption {
  readonly domainName?: string;
  readonly resourceRecordName?: string;
  readonly resourceRecordType?: string;
  readonly resourceRecordValue?: string;
}

/**
 * The DNS record that proves `domainName` to ACM. Throws when ACM offered none for it (the
 * certificate was requested for another name, or with e-mail validation).
 */
export function certificateValidationRecord(options: readonly DomainValidationOption[] | undefined, domainName: string): { name: string; type: string; value: string } {
  const option = (options ?? []).find((o) => o.domainName === domainName);
  if (!option?.resourceRecordName || !option.resourceRecordType || !option.resourceRecordValue) {
    throw new Error(`ACM offered no DNS validation record for ${domainName} (got: ${(options ?? []).map((o) => o.domainName).join(', ') || 'none'})`);
  }
  return { name: option.resourceRecordName, type: option.resourceRecordType, value: option.resourceRecordValue };
}

/** Default answer for a path no rule matches: a JSON 404 rather than a random service. */
export const NOT_FOUND_ACTION = {
  type: 'fixed-response',
  fixedResponse: { contentType: 'application/json', statusCode: '404', messageBody: '{"error":"no route"}' },
} as const;

/** Does `path` match an ALB path pattern (`*` any characters, `?` one)? Used to check coverage. */
export function matchesPathPattern(pattern: string, path: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(path);
}
