import { DescribeImagesCommand, DescribeRepositoriesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { getResourceName } from '@tradai/contracts';
import { isAwsError, NotFoundError, parseEvent, RegistrationMessage, StrategyConfigFile } from '@tradai/domain';
import type { Strategy } from '../strategy.js';

/** What `nx run <strategy>:image` recorded (tools/images manifest): the pushed repository and content tag. */
export interface PushedImage {
  readonly repository: string;
  readonly tag: string;
}

export interface RegistrationDeps {
  readonly ecr: ECRClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly sts: STSClient;
}

export interface RegistrationInput {
  readonly strategy: Strategy;
  readonly image: PushedImage;
  readonly env: string;
  readonly gitSha?: string;
  readonly now: Date;
  /** Extra sections of the config file (e.g. the training window of a model-based strategy). */
  readonly config?: Partial<StrategyConfigFile>;
}

export interface Registration {
  readonly message: RegistrationMessage;
  readonly configBucket: string;
  readonly topicArn: string;
  readonly messageId?: string;
}

/** The config file a registration uploads: the strategy's declared parameters are its one definition. */
export function strategyConfigFile(strategy: Strategy, extra: Partial<StrategyConfigFile> = {}): StrategyConfigFile {
  return parseEvent(StrategyConfigFile, { ...extra, strategy: strategy.name, parameters: strategy.parameters }, 'strategy config');
}

/** Configs-bucket key of the config file registered with an image: one per content tag, never overwritten by another image. */
export function configKeyFor(strategy: string, tag: string): string {
  return `strategies/${strategy}/${tag}.json`;
}

async function pushedDigest(ecr: ECRClient, image: PushedImage, name: string, env: string): Promise<{ digest: string; repositoryUri: string }> {
  const missing = `image ${image.repository}:${image.tag} is not in ECR (${env}): push it first (npx nx run strategy-${name}:push -c ${env})`;
  try {
    const [images, repos] = await Promise.all([
      ecr.send(new DescribeImagesCommand({ repositoryName: image.repository, imageIds: [{ imageTag: image.tag }] })),
      ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [image.repository] })),
    ]);
    const digest = images.imageDetails?.[0]?.imageDigest;
    const repositoryUri = repos.repositories?.[0]?.repositoryUri;
    if (!digest || !repositoryUri) throw new NotFoundError(missing);
    return { digest, repositoryUri };
  } catch (err) {
    if (isAwsError(err, 'ImageNotFoundException', 'RepositoryNotFoundException')) throw new NotFoundError(missing);
    throw err;
  }
}

/**
 * Registers a pushed strategy image: uploads its config file to the configs bucket, then publishes
 * the registration message strategy-registrar turns into a config version. The config goes first so
 * a message never points at a missing file; re-running it is harmless (registrar de-duplicates).
 */
export async function registerStrategyImage(deps: RegistrationDeps, input: RegistrationInput): Promise<Registration> {
  const name = input.strategy.name;
  const { digest, repositoryUri } = await pushedDigest(deps.ecr, input.image, name, input.env);
  const configBucket = getResourceName('configs', input.env);
  const configKey = configKeyFor(name, input.image.tag);
  const message = parseEvent(
    RegistrationMessage,
    {
      strategy: name,
      imageRepository: repositoryUri,
      imageTag: input.image.tag,
      imageDigest: digest,
      configKey,
      gitSha: input.gitSha,
      registeredAt: input.now.toISOString(),
    },
    'registration message',
  );
  const file = strategyConfigFile(input.strategy, input.config);
  await deps.s3.send(new PutObjectCommand({ Bucket: configBucket, Key: configKey, Body: `${JSON.stringify(file, null, 2)}\n`, ContentType: 'application/json' }));
  const identity = await deps.sts.send(new GetCallerIdentityCommand({}));
  const region = await deps.sns.config.region();
  const partition = identity.Arn?.split(':')[1] ?? 'aws';
  const topicArn = `arn:${partition}:sns:${region}:${identity.Account}:${getResourceName('registration', input.env)}`;
  const res = await deps.sns.send(new PublishCommand({ TopicArn: topicArn, Subject: `strategy ${name} ${input.image.tag}`, Message: JSON.stringify(message) }));
  return { message, configBucket, topicArn, messageId: res.MessageId };
}
