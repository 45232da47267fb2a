import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { LAMBDA_ECR_REPOS, getTags, type TradaiConfig } from '@tradai/infra-shared';
import { arnContext, dataProtection } from '@tradai/infra-shared/pulumi';
import { ecrLifecyclePolicy, ecrRepoSpecs, lambdaPullPolicy } from './ecr.logic.js';

export interface EcrRepositoriesArgs {
  readonly cfg: TradaiConfig;
}

/**
 * One repository per service image, Lambda and strategy (`tradai/<key>`): immutable tags (the
 * content-hash tag always names the same image), scan on push, AES-256 at rest, and a lifecycle
 * policy keeping the last `tradai:ecrKeepLastImages` images. Each Lambda repository also lets the
 * Lambda service pull its image for that one function.
 */
export class EcrRepositories extends pulumi.ComponentResource {
  readonly repositories: Readonly<Record<string, aws.ecr.Repository>>;
  /** repo key -> repository URL (`ecr_repository_urls`). */
  readonly repositoryUrls: pulumi.Output<Record<string, string>>;
  /** repo key -> repository ARN (`ecr_repository_arns`). */
  readonly repositoryArns: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: EcrRepositoriesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:persistent:ECR', name, {}, opts);
    const { cfg } = args;
    const tags = getTags(cfg.environment);
    const policy = JSON.stringify(ecrLifecyclePolicy(cfg.ecrKeepLastImages));
    const lambdaKeys = new Set<string>(LAMBDA_ECR_REPOS);
    const ctx = arnContext(cfg.environment);
    const repos: Record<string, aws.ecr.Repository> = {};
    for (const { key, name: repoName } of ecrRepoSpecs(cfg.strategyRepos)) {
      const repo = new aws.ecr.Repository(
        `${name}-${key}`,
        {
          name: repoName,
          imageTagMutability: 'IMMUTABLE',
          imageScanningConfiguration: { scanOnPush: true },
          encryptionConfigurations: [{ encryptionType: 'AES256' }],
          // A repository with images is never deleted by the stack.
          forceDelete: false,
          tags,
        },
        { parent: this, ...dataProtection(cfg) },
      );
      new aws.ecr.LifecyclePolicy(`${name}-${key}-lifecycle`, { repository: repo.name, policy }, { parent: this });
      if (lambdaKeys.has(key)) {
        new aws.ecr.RepositoryPolicy(
          `${name}-${key}-lambda-pull`,
          { repository: repo.name, policy: ctx.apply((c) => JSON.stringify(lambdaPullPolicy(c, key))) },
          { parent: this },
        );
      }
      repos[key] = repo;
    }
    this.repositories = repos;
    const byKey = (pick: (r: aws.ecr.Repository) => pulumi.Output<string>) =>
      pulumi.all(Object.fromEntries(Object.entries(repos).map(([k, r]) => [k, pick(r)]))) as pulumi.Output<Record<string, string>>;
    this.repositoryUrls = byKey((r) => r.repositoryUrl);
    this.repositoryArns = byKey((r) => r.arn);
    this.registerOutputs({ repositoryUrls: this.repositoryUrls, repositoryArns: this.repositoryArns });
  }
}
