import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ConflictError, isAwsError, ParameterSpec, parseJsonEvent, ValidationError, type ConfigVersionItem, type ConfigVersionRepo } from '@tradai/domain';
import * as z from 'zod/mini';
import { downstream } from './downstream.js';

/*
 * Where strategies live. A strategy is `strategies/<name>/` in the configs bucket, the prefix
 * strategy registration already writes its config files under, plus its config_versions rows:
 * - `strategies/<name>/strategy.json`: the record POST creates (description, declared parameters,
 *   the image to start with). Strategies registered only by an image deploy have no record; their
 *   declared parameters are those of their latest config file.
 * - `strategies/<name>/configs/<sha256>.json`: config files PUT writes, named by their content, so a
 *   key never changes meaning and a retried PUT reuses the object.
 * No new table: listing is one S3 listing of the `strategies/` prefixes.
 */

/** The strategy record (`strategy.json`). */
export const StrategyRecord = z.object({
  name: z.string(),
  description: z.optional(z.string()),
  parameters: z.record(z.string(), ParameterSpec),
  image: z.optional(z.string()),
  createdAt: z.string(),
});
export type StrategyRecord = z.output<typeof StrategyRecord>;

export const STRATEGIES_PREFIX = 'strategies/';
export const recordKey = (name: string) => `${STRATEGIES_PREFIX}${name}/strategy.json`;

export interface StrategyStoreDeps {
  readonly s3: S3Client;
  readonly configsBucket: string;
  readonly configVersions: ConfigVersionRepo;
}

const S3 = 'the configs bucket (S3)';
const DDB = 'the config_versions table (DynamoDB)';

/** S3 and DynamoDB access of the strategy routes; every call maps an outage to 503. */
export class StrategyStore {
  constructor(private readonly deps: StrategyStoreDeps) {}

  /** The text of an object, or undefined when the key does not exist. */
  async readObject(key: string): Promise<string | undefined> {
    return downstream(S3, async () => {
      try {
        const res = await this.deps.s3.send(new GetObjectCommand({ Bucket: this.deps.configsBucket, Key: key }));
        return await res.Body?.transformToString('utf8');
      } catch (err) {
        if (isAwsError(err, 'NoSuchKey', 'NotFound')) return undefined;
        throw err;
      }
    });
  }

  async record(name: string): Promise<StrategyRecord | undefined> {
    const text = await this.readObject(recordKey(name));
    return text === undefined ? undefined : parseJsonEvent(StrategyRecord, text, `strategy record ${recordKey(name)}`);
  }

  /**
   * Writes the record only if none exists. `If-None-Match: *` makes S3 refuse a second writer
   * atomically (412), which becomes the same 409 as the caller's existence check.
   */
  async createRecord(rec: StrategyRecord): Promise<void> {
    await downstream(S3, async () => {
      try {
        await this.deps.s3.send(
          new PutObjectCommand({ Bucket: this.deps.configsBucket, Key: recordKey(rec.name), Body: `${JSON.stringify(rec, null, 2)}\n`, ContentType: 'application/json', IfNoneMatch: '*' }),
        );
      } catch (err) {
        if (isAwsError(err, 'PreconditionFailed', 'ConditionalRequestConflict')) throw new ConflictError(`strategy ${rec.name} already exists`);
        throw err;
      }
    });
  }

  async putObject(key: string, body: string): Promise<void> {
    await downstream(S3, () => this.deps.s3.send(new PutObjectCommand({ Bucket: this.deps.configsBucket, Key: key, Body: body, ContentType: 'application/json' })));
  }

  /** One page of strategy names (the prefixes under `strategies/`), in name order. */
  async names(limit: number, cursor?: string): Promise<{ names: string[]; nextCursor?: string }> {
    const res = await downstream(S3, async () => {
      try {
        return await this.deps.s3.send(new ListObjectsV2Command({ Bucket: this.deps.configsBucket, Prefix: STRATEGIES_PREFIX, Delimiter: '/', MaxKeys: limit, ContinuationToken: cursor }));
      } catch (err) {
        if (isAwsError(err, 'InvalidArgument')) throw new ValidationError('invalid request: querystring.cursor: not a cursor this API returned', 'querystring.cursor');
        throw err;
      }
    });
    const names = (res.CommonPrefixes ?? []).map((p) => (p.Prefix ?? '').slice(STRATEGIES_PREFIX.length, -1)).filter((n) => n !== '');
    return { names, ...(res.IsTruncated && res.NextContinuationToken ? { nextCursor: res.NextContinuationToken } : {}) };
  }

  latest(name: string): Promise<ConfigVersionItem | undefined> {
    return downstream(DDB, () => this.deps.configVersions.latest(name));
  }

  /** Versions newest first, below `before` when given; one more than `limit` tells if a page follows. */
  versions(name: string, limit: number, before?: number): Promise<ConfigVersionItem[]> {
    return downstream(DDB, () => this.deps.configVersions.table.query(name, { newestFirst: true, limit, ...(before !== undefined ? { before } : {}) }));
  }

  append(item: Omit<ConfigVersionItem, 'version'>): Promise<ConfigVersionItem> {
    return downstream(DDB, () => this.deps.configVersions.append(item));
  }
}
