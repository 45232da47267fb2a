import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ConflictError, ValidationError, type ConfigVersionItem, type ConfigVersionRepo } from '@tradai/domain';
import { HttpError } from '@tradai/service-runtime';
import { describe, expect, it, vi } from 'vitest';
import { recordKey, StrategyStore } from './store.js';

/** An AWS SDK style error: its name and the HTTP status S3 answered with. */
const awsError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

function storeWith(send: (command: unknown) => unknown, repo: Partial<{ latest: unknown; append: unknown; query: unknown }> = {}) {
  const s3 = { send: vi.fn(async (command: unknown) => send(command)) };
  const query = vi.fn((repo.query as (...args: unknown[]) => Promise<ConfigVersionItem[]>) ?? (async () => []));
  const configVersions = { latest: repo.latest ?? vi.fn(), append: repo.append ?? vi.fn(), table: { query } } as unknown as ConfigVersionRepo;
  const store = new StrategyStore({ s3: s3 as unknown as S3Client, configsBucket: 'bucket', configVersions });
  return { store, s3, query };
}

const body = (text: string) => ({ Body: { transformToString: async () => text } });

describe('StrategyStore.readObject and record', () => {
  it('reads the object text from the configs bucket', async () => {
    const { store, s3 } = storeWith(() => body('hello'));
    expect(await store.readObject('k')).toBe('hello');
    const cmd = s3.send.mock.calls[0]![0] as GetObjectCommand;
    expect(cmd).toBeInstanceOf(GetObjectCommand);
    expect(cmd.input).toEqual({ Bucket: 'bucket', Key: 'k' });
  });

  it('answers undefined for a missing key, whether S3 says NoSuchKey or NotFound', async () => {
    for (const name of ['NoSuchKey', 'NotFound']) {
      const { store } = storeWith(() => Promise.reject(awsError(name, 404)));
      expect(await store.readObject('k'), name).toBeUndefined();
    }
  });

  it('passes any other S3 refusal through unchanged', async () => {
    const denied = awsError('AccessDenied', 403);
    const { store } = storeWith(() => Promise.reject(denied));
    await expect(store.readObject('k')).rejects.toBe(denied);
  });

  it('names the record key when the record does not parse', async () => {
    const { store } = storeWith(() => body('{"name": 1}'));
    await expect(store.record('momo')).rejects.toThrow(/invalid strategy record strategies\/momo\/strategy\.json/);
    expect(recordKey('momo')).toBe('strategies/momo/strategy.json');
  });
});

describe('StrategyStore writes', () => {
  const rec = { name: 'momo', parameters: {}, createdAt: '2026-12-01T10:00:00.000Z' };

  it('creates the record as JSON, only if none exists', async () => {
    const { store, s3 } = storeWith(() => ({}));
    await store.createRecord(rec);
    const cmd = s3.send.mock.calls[0]![0] as PutObjectCommand;
    expect(cmd).toBeInstanceOf(PutObjectCommand);
    expect(cmd.input).toEqual({ Bucket: 'bucket', Key: 'strategies/momo/strategy.json', Body: `${JSON.stringify(rec, null, 2)}\n`, ContentType: 'application/json', IfNoneMatch: '*' });
  });

  it('turns a lost conditional put (PreconditionFailed or ConditionalRequestConflict) into a 409', async () => {
    for (const [name, status] of [['PreconditionFailed', 412], ['ConditionalRequestConflict', 409]] as const) {
      const { store } = storeWith(() => Promise.reject(awsError(name, status)));
      const err = await store.createRecord(rec).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(ConflictError);
      expect((err as Error).message).toBe('strategy momo already exists');
    }
  });

  it('passes another refusal of the record put through, not as a conflict', async () => {
    const denied = awsError('AccessDenied', 403);
    const { store } = storeWith(() => Promise.reject(denied));
    await expect(store.createRecord(rec)).rejects.toBe(denied);
  });

  it('writes a config object as JSON', async () => {
    const { store, s3 } = storeWith(() => ({}));
    await store.putObject('strategies/momo/configs/abc.json', '{}\n');
    const cmd = s3.send.mock.calls[0]![0] as PutObjectCommand;
    expect(cmd.input).toEqual({ Bucket: 'bucket', Key: 'strategies/momo/configs/abc.json', Body: '{}\n', ContentType: 'application/json' });
  });
});

describe('StrategyStore.names', () => {
  it('lists the prefixes under strategies/ and drops empty names', async () => {
    const { store, s3 } = storeWith(() => ({ CommonPrefixes: [{ Prefix: 'strategies/alpha/' }, { Prefix: 'strategies//' }, {}, { Prefix: 'strategies/beta/' }] }));
    expect(await store.names(10, 'tok')).toStrictEqual({ names: ['alpha', 'beta'] });
    const cmd = s3.send.mock.calls[0]![0] as ListObjectsV2Command;
    expect(cmd).toBeInstanceOf(ListObjectsV2Command);
    expect(cmd.input).toEqual({ Bucket: 'bucket', Prefix: 'strategies/', Delimiter: '/', MaxKeys: 10, ContinuationToken: 'tok' });
  });

  it('answers an empty page when S3 lists no prefixes', async () => {
    const { store } = storeWith(() => ({}));
    expect(await store.names(10)).toStrictEqual({ names: [] });
  });

  it('gives a next cursor only when the listing is truncated and has a continuation token', async () => {
    const page = (extra: object) => storeWith(() => ({ CommonPrefixes: [{ Prefix: 'strategies/a/' }], ...extra })).store.names(1);
    expect(await page({ IsTruncated: true, NextContinuationToken: 'next' })).toStrictEqual({ names: ['a'], nextCursor: 'next' });
    expect(await page({ IsTruncated: false, NextContinuationToken: 'stale' })).toStrictEqual({ names: ['a'] });
    expect(await page({ IsTruncated: true })).toStrictEqual({ names: ['a'] });
    expect(await page({})).toStrictEqual({ names: ['a'] });
  });

  it('turns a cursor S3 rejects (InvalidArgument) into a 400 on querystring.cursor', async () => {
    const { store } = storeWith(() => Promise.reject(awsError('InvalidArgument', 400)));
    const err = await store.names(10, 'garbage').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toBe('invalid request: querystring.cursor: not a cursor this API returned');
    expect((err as ValidationError).path).toBe('querystring.cursor');
  });

  it('passes another listing error through unchanged and maps an outage to 503', async () => {
    const denied = awsError('AccessDenied', 403);
    await expect(storeWith(() => Promise.reject(denied)).store.names(10)).rejects.toBe(denied);
    const down = await storeWith(() => Promise.reject(awsError('InternalError', 500))).store.names(10).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(HttpError);
    expect((down as HttpError).message).toMatch(/^the configs bucket \(S3\) is unavailable/);
  });
});

describe('StrategyStore config_versions access', () => {
  const row: ConfigVersionItem = { strategy: 'momo', version: 3, config_key: 'k', image: 'i', created_at: 't', source: 'strategy-service' };

  it('queries versions newest first, with `before` only when a cursor was given', async () => {
    const { store, query } = storeWith(() => ({}), { query: async () => [row] });
    expect(await store.versions('momo', 5)).toEqual([row]);
    expect(query.mock.calls[0]).toStrictEqual(['momo', { newestFirst: true, limit: 5 }]);
    await store.versions('momo', 5, 3);
    expect(query.mock.calls[1]).toStrictEqual(['momo', { newestFirst: true, limit: 5, before: 3 }]);
  });

  it('reads the latest version and appends through the repo, a DynamoDB outage being a 503', async () => {
    const latest = vi.fn(async () => row);
    const append = vi.fn(async () => row);
    const { store } = storeWith(() => ({}), { latest, append });
    expect(await store.latest('momo')).toBe(row);
    expect(latest).toHaveBeenCalledWith('momo');
    const { version: _v, ...item } = row;
    expect(await store.append(item)).toBe(row);
    expect(append).toHaveBeenCalledWith(item);
    const down = storeWith(() => ({}), { latest: async () => Promise.reject(awsError('ServiceUnavailable', 503)) }).store;
    await expect(down.latest('momo')).rejects.toThrow(/^the config_versions table \(DynamoDB\) is unavailable/);
  });
});
