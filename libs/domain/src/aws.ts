import { GetObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * S3 client. Path-style addressing is forced when a local endpoint is configured
 * (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, e.g. fauxqs in tests), because virtual-hosted bucket
 * names do not resolve on 127.0.0.1.
 */
export function createS3Client(config: S3ClientConfig = {}, source: Readonly<Record<string, string | undefined>> = process.env): S3Client {
  const local = Boolean(config.endpoint ?? source.AWS_ENDPOINT_URL_S3 ?? source.AWS_ENDPOINT_URL);
  return new S3Client({ forcePathStyle: local || undefined, ...config });
}

/** Reads an S3 object body as UTF-8 text; a missing key surfaces as the SDK's NoSuchKey error. */
export async function readS3Text(s3: S3Client, bucket: string, key: string): Promise<string> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!res.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  return res.Body.transformToString('utf8');
}

/** Whether an AWS SDK error is of the given exception name (works across SDK copies, unlike instanceof). */
export function isAwsError(err: unknown, ...names: string[]): boolean {
  const name = (err as { name?: string } | null)?.name;
  return typeof name === 'string' && names.includes(name);
}
