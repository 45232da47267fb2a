import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs as start, type FauxqsServer } from 'fauxqs';
import { LOCAL_AWS } from './dynalite.js';

export interface Fauxqs {
  readonly endpoint: string;
  readonly server: FauxqsServer;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  /** Path-style S3 client (bucket names do not resolve as subdomains of 127.0.0.1). */
  readonly s3: S3Client;
  stop(): Promise<void>;
}

/**
 * Starts fauxqs 2.4.1 (SQS + SNS + S3, in memory) on a random loopback port with clients pointed
 * at it. Create resources with `server.createQueue/createTopic/subscribe/createBucket`.
 */
export async function startFauxqs(): Promise<Fauxqs> {
  const server = await start({ port: 0, logger: false, messageSpies: true });
  const endpoint = server.address;
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint });
  const sns = new SNSClient({ ...LOCAL_AWS, endpoint });
  const s3 = new S3Client({ ...LOCAL_AWS, endpoint, forcePathStyle: true });
  return {
    endpoint,
    server,
    sqs,
    sns,
    s3,
    async stop() {
      sqs.destroy();
      sns.destroy();
      s3.destroy();
      await server.stop();
    },
  };
}
