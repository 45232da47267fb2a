import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3Client, isAwsError, readS3Text } from './aws.js';

describe('createS3Client', () => {
  it('forces path-style addressing only when a local endpoint is configured', async () => {
    const pathStyle = (c: S3Client) => c.config.forcePathStyle;
    expect(pathStyle(createS3Client({ region: 'eu-central-1', endpoint: 'http://127.0.0.1:4566' }, {}))).toBe(true);
    expect(pathStyle(createS3Client({ region: 'eu-central-1' }, { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566' }))).toBe(true);
    expect(pathStyle(createS3Client({ region: 'eu-central-1' }, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }))).toBe(true);
    expect(pathStyle(createS3Client({ region: 'eu-central-1' }, {}))).toBe(false);
    // An explicit choice wins over the default.
    expect(pathStyle(createS3Client({ region: 'eu-central-1', endpoint: 'http://127.0.0.1:4566', forcePathStyle: false }, {}))).toBe(false);
  });
});

describe('readS3Text', () => {
  const s3 = mockClient(S3Client);
  afterEach(() => s3.reset());
  const client = new S3Client({ region: 'eu-central-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

  it('reads the body as UTF-8 text', async () => {
    s3.on(GetObjectCommand, { Bucket: 'b', Key: 'k' }).resolves({ Body: { transformToString: async (enc?: string) => (enc === 'utf8' ? 'héllo' : 'wrong encoding') } as never });
    expect(await readS3Text(client, 'b', 'k')).toBe('héllo');
  });

  it('names the object when the answer has no body', async () => {
    s3.on(GetObjectCommand).resolves({});
    await expect(readS3Text(client, 'b', 'k')).rejects.toThrow('s3://b/k has no body');
  });
});

describe('isAwsError', () => {
  it('matches by error name among the given names', () => {
    const err = Object.assign(new Error('x'), { name: 'NoSuchKey' });
    expect(isAwsError(err, 'NotFound', 'NoSuchKey')).toBe(true);
    expect(isAwsError(err, 'NotFound')).toBe(false);
    expect(isAwsError(null, 'NoSuchKey')).toBe(false);
    expect(isAwsError({ name: 42 }, '42')).toBe(false);
  });
});
