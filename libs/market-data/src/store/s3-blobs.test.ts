import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { s3Blobs } from './s3-blobs.js';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'eu-central-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

const body = (bytes: number[]) => ({ transformToByteArray: async () => new Uint8Array(bytes) }) as never;
const awsError = (name: string) => Object.assign(new Error(name), { name });

describe('s3Blobs', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('trims slashes around the prefix, keeping inner ones, for keys and location', async () => {
    const blobs = s3Blobs({ s3: client, bucket: 'bkt', prefix: '//data/v1//' });
    expect(blobs.location).toBe('s3://bkt/data/v1/');
    s3.on(PutObjectCommand).resolves({});
    await blobs.put('ohlcv/a.parquet', new Uint8Array([1]));
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: 'bkt', Key: 'data/v1/ohlcv/a.parquet', ContentType: 'application/vnd.apache.parquet' });
    expect(Array.from(put.Body as Uint8Array)).toEqual([1]);
  });

  it('uses bare keys and the bucket root without a prefix', async () => {
    const blobs = s3Blobs({ s3: client, bucket: 'bkt' });
    expect(blobs.location).toBe('s3://bkt/');
    s3.on(GetObjectCommand).resolves({ Body: body([7, 8]) });
    expect(Array.from((await blobs.get('ohlcv/a.parquet'))!)).toEqual([7, 8]);
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'bkt', Key: 'ohlcv/a.parquet' });
  });

  it('reads an object without a body as empty bytes', async () => {
    s3.on(GetObjectCommand).resolves({});
    const got = await s3Blobs({ s3: client, bucket: 'bkt' }).get('x');
    expect(got).toBeInstanceOf(Uint8Array);
    expect(got!.length).toBe(0);
  });

  it.each(['NoSuchKey', 'NotFound'])('returns undefined for a missing key (%s)', async (name) => {
    s3.on(GetObjectCommand).rejects(awsError(name));
    expect(await s3Blobs({ s3: client, bucket: 'bkt' }).get('x')).toBeUndefined();
  });

  it('rethrows any other error', async () => {
    s3.on(GetObjectCommand).rejects(awsError('AccessDenied'));
    await expect(s3Blobs({ s3: client, bucket: 'bkt' }).get('x')).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('lists every page, stripping the prefix from the keys', async () => {
    s3.on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: 'data/ohlcv/a' }, {}], IsTruncated: true, NextContinuationToken: 't1' })
      .resolvesOnce({ Contents: [{ Key: 'data/ohlcv/b' }], IsTruncated: true, NextContinuationToken: 't2' })
      .resolvesOnce({ IsTruncated: false });
    const keys = await s3Blobs({ s3: client, bucket: 'bkt', prefix: 'data' }).list('ohlcv/');
    expect(keys).toEqual(['ohlcv/a', 'ohlcv/b']);
    expect(s3.commandCalls(ListObjectsV2Command).map((c) => [c.args[0].input.Prefix, c.args[0].input.ContinuationToken])).toEqual([
      ['data/ohlcv/', undefined],
      ['data/ohlcv/', 't1'],
      ['data/ohlcv/', 't2'],
    ]);
  });
});
