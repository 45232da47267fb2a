import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { LAMBDA_ECR_REPOS, accountEnvironments, getTags, ownsAccountResources, type TradaiConfig } from '@tradai/infra-shared';
import { arnContext } from '@tradai/infra-shared/pulumi';
import { ecrLifecyclePolicy, ecrRepoSpecs, lambdaPullPolicy } from './ecr.logic.js';
import { dataLifecycle, dataOptions } from './lifecycle.js';

export interface EcrRepositoriesArgs {
  readonly cfg: TradaiConfig;
}

/**
 * One repository per service image, Lambda and strategy (`tradai/<key>`): immutable tags (the
 * content-hash tag always names the same image), scan on push, AES-256 at rest, and a lifecycle
 * policy keeping the last `tradai:ecrKeepLastImages` images. Each Lambda repository also lets the
 * Lambda service pull its image for that one function.
 *
 * Repository names carry no environment (seed), so in an account shared by several environments
 * (`tradai:sharedAccount`) only the owner creates them, granting the Lambda pull to the functions
 * of every sharing environment; the others look the same repositories up and export them.
 */
export class EcrRepositories extends pulumi.ComponentResource {
  /** The repositories this stack created: all of them for the owner, none for a sharing environment. */
  readonly repositories: Readonly<Record<string, aws.ecr.Repository>>;
  /** repo key -> repository URL (`ecr_repository_urls`). */
  readonly repositoryUrls: pulumi.Output<Record<string, string>>;
  /** repo key -> repository ARN (`ecr_repository_arns`). */
  readonly repositoryArns: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: EcrRepositoriesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:persistent:ECR', name, {}, opts);
    const { cfg } = args;
    const specs = ecrRepoSpecs(cfg.strategyRepos);
    const urls: Record<string, pulumi.Output<string>> = {};
    const arns: Record<string, pulumi.Output<string>> = {};
    const repos: Record<string, aws.ecr.Repository> = {};

    if (ownsAccountResources(cfg)) {
      const tags = getTags(cfg.environment);
      const policy = JSON.stringify(ecrLifecyclePolicy(cfg.ecrKeepLastImages));
      const lambdaKeys = new Set<string>(LAMBDA_ECR_REPOS);
      const ctx = arnContext(cfg.environment);
      const environments = accountEnvironments(cfg);
      const lifecycle = dataLifecycle(cfg);
      for (const { key, name: repoName } of specs) {
        const repo = new aws.ecr.Repository(
          `${name}-${key}`,
          {
            name: repoName,
            imageTagMutability: 'IMMUTABLE',
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: 'AES256' }],
            // A repository with images is deleted only by the down-persistent teardown run.
            forceDelete: lifecycle.emptyOnDelete,
            tags,
          },
          { parent: this, ...dataOptions(lifecycle) },
        );
        new aws.ecr.LifecyclePolicy(`${name}-${key}-lifecycle`, { repository: repo.name, policy }, { parent: this });
        if (lambdaKeys.has(key)) {
          new aws.ecr.RepositoryPolicy(
            `${name}-${key}-lambda-pull`,
            { repository: repo.name, policy: ctx.apply((c) => JSON.stringify(lambdaPullPolicy(c, key, environments))) },
            { parent: this },
          );
        }
        repos[key] = repo;
        urls[key] = repo.repositoryUrl;
        arns[key] = repo.arn;
      }
    } else {
      // A missing repository fails the lookup at preview: deploy the owner's persistent first, and
      // list this environment's strategies in the owner's tradai:strategyRepos too.
      for (const { key, name: repoName } of specs) {
        const found = aws.ecr.getRepositoryOutput({ name: repoName }, { parent: this });
        urls[key] = found.repositoryUrl;
        arns[key] = found.arn;
      }
    }
    this.repositories = repos;
    this.repositoryUrls = pulumi.all(urls) as pulumi.Output<Record<string, string>>;
    this.repositoryArns = pulumi.all(arns) as pulumi.Output<Record<string, string>>;
    this.registerOutputs({ repositoryUrls: this.repositoryUrls, repositoryArns: this.repositoryArns });
  }
}
