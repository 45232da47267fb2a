import { ParameterSpec, StrategyTraining } from '@tradai/domain';
import * as z from 'zod/mini';

/*
 * Request and response shapes of the strategy routes: they validate input, serialise output and
 * generate the OpenAPI document. Field names are camelCase; the table items stay snake_case.
 */

/** Same rule as the domain's strategy names (ECR repositories, config keys and tables use them). */
export const StrategyName = z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 chars of a-z, 0-9, "-", "_", starting with a letter or digit'));

/** What config versions record and the task runs: an image pinned by digest. */
export const PinnedImage = z.string().check(z.regex(/^[a-z0-9][a-z0-9._:/-]*@sha256:[a-f0-9]{64}$/, 'must be an image reference pinned by digest: <repository>@sha256:<64 hex>'));

export const ParameterValue = z.union([z.string(), z.number(), z.boolean()]);

export const NameParams = z.object({ name: StrategyName });

export const CreateStrategyBody = z.object({
  name: StrategyName,
  description: z.optional(z.string().check(z.maxLength(500))),
  /** The parameters the strategy declares: every config of it is checked against these. */
  parameters: z._default(z.record(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be an identifier')), ParameterSpec), {}),
  /** The image to run until a config version records one. */
  image: z.optional(PinnedImage),
});
export type CreateStrategyBody = z.output<typeof CreateStrategyBody>;

export const PutConfigBody = z.object({
  /** Values for the declared parameters; unset ones keep their declared defaults. */
  parameters: z._default(z.record(z.string(), ParameterValue), {}),
  exchange: z.optional(z.string().check(z.regex(/^[a-z0-9]{2,32}$/, 'must be a ccxt exchange id (a-z, 0-9)'))),
  training: z.optional(StrategyTraining),
  /** The image this version runs; default: the latest version's, else the strategy's. */
  image: z.optional(PinnedImage),
});
export type PutConfigBody = z.output<typeof PutConfigBody>;

export const Version = z.object({
  strategy: z.string(),
  version: z.number(),
  configKey: z.string(),
  image: z.string(),
  imageTag: z.optional(z.string()),
  createdAt: z.string(),
  source: z.string(),
  gitSha: z.optional(z.string()),
  modelName: z.optional(z.string()),
  modelVersion: z.optional(z.string()),
  restoredFrom: z.optional(z.number()),
});
export type Version = z.output<typeof Version>;

export const Strategy = z.object({
  name: z.string(),
  description: z.optional(z.string()),
  parameters: z.record(z.string(), ParameterSpec),
  /** The image the strategy runs: the latest version's, else the one given at creation; null when none. */
  image: z.nullable(z.string()),
  createdAt: z.optional(z.string()),
  latestVersion: z.nullable(Version),
});
export type Strategy = z.output<typeof Strategy>;

export const StrategySummary = z.object({
  name: z.string(),
  description: z.optional(z.string()),
  latestVersion: z.nullable(z.number()),
  image: z.nullable(z.string()),
});

export const ListQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 50),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
});

export const StrategyList = z.object({ items: z.array(StrategySummary), nextCursor: z.optional(z.string()) });

export const VersionsQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20),
  /** The `nextCursor` of the previous page: versions below it come next. */
  cursor: z.optional(z.string().check(z.regex(/^[1-9]\d{0,9}$/, 'must be the nextCursor of a previous page'))),
});

export const VersionList = z.object({ items: z.array(Version), nextCursor: z.optional(z.string()) });

export const ConfigResult = z.object({
  version: Version,
  /** The parameter values this version runs with (declared defaults merged with the request). */
  parameters: z.record(z.string(), ParameterValue),
});
