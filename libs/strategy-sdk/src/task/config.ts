import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isAwsError, NotFoundError, parseJsonEvent, StrategyConfigFile, ValidationError } from '@tradai/domain';

/**
 * Reads the strategy config version the workflow resolved (CONFIG_KEY in the configs bucket).
 * Missing -> NotFoundError; not JSON or not a StrategyConfigFile -> ValidationError naming the field;
 * a config of another strategy -> ValidationError (the image and the config disagree).
 */
export async function loadConfig(s3: S3Client, bucket: string, key: string, strategy: string, signal?: AbortSignal): Promise<StrategyConfigFile> {
  const where = `s3://${bucket}/${key}`;
  let text: string;
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    text = (await res.Body?.transformToString('utf8')) ?? '';
  } catch (err) {
    if (isAwsError(err, 'NoSuchKey', 'NotFound')) throw new NotFoundError(`strategy config ${where} does not exist`);
    throw err;
  }
  const config = parseJsonEvent(StrategyConfigFile, text, `strategy config ${where}`);
  if (config.strategy !== strategy) {
    throw new ValidationError(`invalid strategy config ${where}: strategy: is "${config.strategy}", this image runs "${strategy}"`, 'strategy');
  }
  return config;
}
