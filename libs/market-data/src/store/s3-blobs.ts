import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isAwsError } from '@tradai/domain';
import type { Blobs } from './blobs.js';

export interface S3BlobsArgs {
  /** A client from `createS3Client` (path-style against local emulators). */
  readonly s3: S3Client;
  readonly bucket: string;
  /** Key prefix inside the bucket, e.g. `market-data`; no leading or trailing slash needed. */
  readonly prefix?: string;
}

/** Blobs in an S3 bucket. A single PutObject is atomic: readers see the old or the new object. */
export function s3Blobs({ s3, bucket, prefix = '' }: S3BlobsArgs): Blobs {
  const base = prefix.replace(/^\/+|\/+$/g, '');
  const full = (key: string) => (base ? `${base}/${key}` : key);
  return {
    location: `s3://${bucket}/${base ? `${base}/` : ''}`,
    async get(key) {
      try {
        const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: full(key) }));
        return res.Body ? await res.Body.transformToByteArray() : new Uint8Array();
      } catch (err) {
        if (isAwsError(err, 'NoSuchKey', 'NotFound')) return undefined;
        throw err;
      }
    },
    async put(key, bytes) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: full(key), Body: bytes, ContentType: 'application/vnd.apache.parquet' }));
    },
    async list(listPrefix) {
      const keys: string[] = [];
      const strip = base ? base.length + 1 : 0;
      let token: string | undefined;
      do {
        const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: full(listPrefix), ContinuationToken: token }));
        for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key.slice(strip));
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
  };
}
