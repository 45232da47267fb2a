import { z } from 'zod';
import { checkSharedAccount, type SharedAccount } from './account.js';
import { ENVIRONMENTS, ENVIRONMENT_SETTINGS, getEnvShort, parseEnvironment, type Environment, type EnvironmentSettings } from './environment.js';
import { ConfigError } from './errors.js';
import { ECR_KEEP_LAST_IMAGES, LAMBDA_ECR_REPOS } from './ecr.js';
import { LAMBDA_SCHEDULES, SCHEDULED_LAMBDAS, isScheduleExpression, type ScheduledLambda } from './lambdas.js';
import { ECR_REPOS } from './services.js';
import { GEO_BLOCK_DEFAULT, INTERFACE_ENDPOINTS_DEFAULT, INTERFACE_ENDPOINT_MODES, type ApiDomain, type InterfaceEndpointMode } from './network.js';

/** Pulumi config namespace every stack reads (`tradai:<key>` in Pulumi.<env>.yaml). */
export const CONFIG_NAMESPACE = 'tradai';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lowercase slug (a-z, 0-9, -)');
const RESERVED_REPOS = new Set<string>([...ECR_REPOS, ...LAMBDA_ECR_REPOS]);

/** Pulumi config values arrive as strings; structured ones are JSON. */
const json = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v, ctx) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: `is not valid JSON: ${v}` });
      return z.NEVER;
    }
  }, schema);

const scheduleName = z.enum(SCHEDULED_LAMBDAS);

/** Every key a stack may set under `tradai:`; anything else is a typo and stops the program. */
const stackConfigSchema = z
  .object({
    org: slug.default('organization'),
    strategyRepos: json(
      z.array(slug.refine((s) => !RESERVED_REPOS.has(s), 'collides with a service or Lambda repository')),
    ).default([]),
    // The strategy the standing trading services (live, dry-run, shadow) run: one of strategyRepos'.
    tradingStrategy: slug.optional(),
    lambdaSchedules: json(
      z.record(
        z.string(),
        z.string().refine(isScheduleExpression, {
          message: 'is not an EventBridge schedule expression; allowed: rate(N minutes|hours|days) or cron(min hour day-of-month month day-of-week year)',
        }),
      ),
    ).default({}),
    consolidatedMode: json(z.boolean()).optional(),
    skipAlb: json(z.boolean()).default(false),
    alertEmails: json(z.array(z.email({ message: 'is not an email address' }))).default([]),
    certificateArn: z.string().regex(/^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, 'must be an ACM certificate ARN').optional(),
    corsAllowedOrigins: json(z.array(z.union([z.literal('*'), z.url({ message: 'must be * or an origin URL' })]))).optional(),
    geoBlockCountries: json(z.array(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code'))).default([...GEO_BLOCK_DEFAULT]),
    apiDomain: json(
      z.object({
        domainName: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'must be a DNS name'),
        hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'must be a Route 53 hosted zone id (Z...)'),
      }).strict(),
    ).optional(),
    allowNoTls: json(z.boolean()).default(false),
    consolidatedAmiId: z.string().regex(/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/, 'must be an AMI id (ami-...)').optional(),
    interfaceEndpoints: z.enum(INTERFACE_ENDPOINT_MODES, { message: `must be one of ${INTERFACE_ENDPOINT_MODES.join(', ')}` }).optional(),
    customDomain: json(
      z.object({
        domainName: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'must be a DNS name'),
        certificateArn: z.string().regex(/^arn:aws:acm:/, 'must be an ACM certificate ARN'),
      }).strict(),
    ).optional(),
    githubOidc: json(
      z.object({
        repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/repo'),
        branches: z.array(z.string().min(1)).min(1),
      }).strict(),
    ).default({ repository: 'tradai/platform', branches: ['main'] }),
    ecrKeepLastImages: json(z.number().int().min(1).max(1000)).default(ECR_KEEP_LAST_IMAGES),
    wafRateLimit: json(z.number().int().min(100)).default(2000),
    // Environments sharing one AWS account: the owner creates the account-wide resources, the others look them up.
    sharedAccount: json(
      z.object({ owner: z.enum(ENVIRONMENTS), environments: z.array(z.enum(ENVIRONMENTS)).min(2) }).strict(),
    ).optional(),
  })
  .strict();

export type StackConfigInput = z.input<typeof stackConfigSchema>;

export interface TradaiConfig {
  readonly environment: Environment;
  readonly envShort: 'd' | 's' | 'p';
  readonly org: string;
  readonly settings: EnvironmentSettings;
  readonly logRetentionDays: number;
  readonly consolidatedMode: boolean;
  readonly skipAlb: boolean;
  /** LAMBDA_SCHEDULES with overrides applied. */
  readonly schedules: Readonly<Record<ScheduledLambda, string>>;
  /** STRATEGY_ECR_REPOS. */
  readonly strategyRepos: readonly string[];
  /** tradai:tradingStrategy: STRATEGY of the trading services (a `strategy-<name>` of strategyRepos); unset, they get none. */
  readonly tradingStrategy?: string;
  readonly alertEmails: readonly string[];
  readonly certificateArn?: string;
  readonly corsAllowedOrigins: readonly string[];
  readonly geoBlockCountries: readonly string[];
  /** tradai:apiDomain: TLS from configuration (ACM certificate, DNS validation, alias record). */
  readonly apiDomain?: ApiDomain;
  /** tradai:allowNoTls: lets a TLS_REQUIRED_ENVIRONMENTS stack run with HTTP between API Gateway and the ALB. */
  readonly allowNoTls: boolean;
  /** tradai:consolidatedAmiId: the Packer-built AMI (infra/ami) for the consolidated host; else the AL2023 lookup. */
  readonly consolidatedAmiId?: string;
  /** tradai:interfaceEndpoints, defaulting per environment (INTERFACE_ENDPOINTS_DEFAULT). */
  readonly interfaceEndpoints: InterfaceEndpointMode;
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  readonly githubOidc: { readonly repository: string; readonly branches: readonly string[] };
  readonly ecrKeepLastImages: number;
  readonly wafRateLimit: number;
  /** Set when environments share this account (see ownsAccountResources). */
  readonly sharedAccount?: SharedAccount;
}

/** One line per problem, each naming the `tradai:` key at fault. */
function describeIssues(error: z.ZodError): { key: string; message: string }[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return {
        key: `${CONFIG_NAMESPACE}:${issue.keys.join(', ')}`,
        message: `unknown config key; allowed: ${Object.keys(stackConfigSchema.shape).join(', ')}`,
      };
    }
    const [head, ...rest] = issue.path.map(String);
    const key = `${CONFIG_NAMESPACE}:${head ?? ''}${rest.length ? `.${rest.join('.')}` : ''}`;
    return { key, message: issue.message };
  });
}

/** A stack's `tradai:*` config values with the namespace stripped (other namespaces dropped). */
export function namespaceValues(all: Readonly<Record<string, string>>): Record<string, string> {
  const prefix = `${CONFIG_NAMESPACE}:`;
  return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/**
 * Loads and validates a stack's configuration.
 * @param stack the Pulumi stack name, which is the environment
 * @param values the stack's `tradai:*` config with the namespace stripped (strings, JSON for structures)
 * @throws ConfigError naming the key and the allowed values
 */
export function loadConfig(stack: string, values: Record<string, unknown> = {}): TradaiConfig {
  const environment = parseEnvironment(stack);
  const parsed = stackConfigSchema.safeParse(values);
  if (!parsed.success) {
    const [first, ...others] = describeIssues(parsed.error);
    const more = others.map((o) => `\n${o.key}: ${o.message}`).join('');
    throw new ConfigError(first!.key, `${first!.message}${more}`);
  }
  const v = parsed.data;
  const unknownSchedules = Object.keys(v.lambdaSchedules).filter((k) => !scheduleName.safeParse(k).success);
  if (unknownSchedules.length) {
    throw new ConfigError(
      `${CONFIG_NAMESPACE}:lambdaSchedules.${unknownSchedules[0]}`,
      `no such scheduled Lambda; allowed: ${SCHEDULED_LAMBDAS.join(', ')}`,
    );
  }
  if (v.tradingStrategy !== undefined) {
    const strategies = v.strategyRepos.filter((r) => r.startsWith('strategy-')).map((r) => r.slice('strategy-'.length));
    if (!strategies.includes(v.tradingStrategy)) {
      throw new ConfigError(`${CONFIG_NAMESPACE}:tradingStrategy`, `"${v.tradingStrategy}" is not a strategy of tradai:strategyRepos; allowed: ${strategies.join(', ') || '(none: strategyRepos has no strategy-<name> repository)'}`);
    }
  }
  const settings = ENVIRONMENT_SETTINGS[environment];
  return {
    environment,
    envShort: getEnvShort(environment),
    org: v.org,
    settings,
    logRetentionDays: settings.logRetentionDays,
    consolidatedMode: v.consolidatedMode ?? settings.consolidatedMode,
    skipAlb: v.skipAlb,
    schedules: { ...LAMBDA_SCHEDULES, ...(v.lambdaSchedules as Partial<Record<ScheduledLambda, string>>) },
    strategyRepos: v.strategyRepos,
    ...(v.tradingStrategy !== undefined && { tradingStrategy: v.tradingStrategy }),
    alertEmails: v.alertEmails,
    certificateArn: v.certificateArn,
    corsAllowedOrigins: v.corsAllowedOrigins ?? settings.corsAllowedOrigins,
    geoBlockCountries: v.geoBlockCountries,
    apiDomain: v.apiDomain,
    allowNoTls: v.allowNoTls,
    consolidatedAmiId: v.consolidatedAmiId,
    interfaceEndpoints: v.interfaceEndpoints ?? INTERFACE_ENDPOINTS_DEFAULT[environment],
    customDomain: v.customDomain,
    githubOidc: v.githubOidc,
    ecrKeepLastImages: v.ecrKeepLastImages,
    wafRateLimit: v.wafRateLimit,
    sharedAccount: v.sharedAccount && checkSharedAccount(environment, v.sharedAccount),
  };
}

/** True when the four consolidated services run on EC2 instead of Fargate. */
export function isConsolidatedMode(cfg: TradaiConfig): boolean {
  return cfg.consolidatedMode;
}

/** True when the ALB (and its listeners/target groups) is not created. */
export function isSkipAlb(cfg: TradaiConfig): boolean {
  return cfg.skipAlb;
}
