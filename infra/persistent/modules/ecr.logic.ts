import { allEcrRepoKeys, getEcrRepoName, lambdaArn, type ArnContext, type Environment } from '@tradai/infra-shared';

/** ECR's repository-name grammar (namespaces separated by `/`). */
const ECR_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export interface EcrRepoSpec {
  /** Key in `ecr_repository_urls` (`backend`, `backtest-consumer`, a strategy name). */
  readonly key: string;
  /** `tradai/<key>`. */
  readonly name: string;
}

/**
 * Every repository persistent creates, in order: 6 services, 18 Lambdas, then the strategy
 * repositories from `tradai:strategyRepos`. Throws on a duplicate or an invalid name.
 */
export function ecrRepoSpecs(strategyRepos: readonly string[]): EcrRepoSpec[] {
  const keys = allEcrRepoKeys(strategyRepos);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup !== undefined) throw new Error(`ECR repository "${dup}" is listed twice (tradai:strategyRepos must not repeat or reuse a service/Lambda name)`);
  return keys.map((key) => {
    const name = getEcrRepoName(key);
    if (!ECR_NAME.test(name) || name.length > 256) throw new Error(`ECR repository name "${name}" is not valid (lowercase letters, digits, . _ - and /)`);
    return { key, name };
  });
}

/** An ECR lifecycle policy document. */
export interface EcrLifecyclePolicy {
  readonly rules: readonly {
    readonly rulePriority: number;
    readonly description: string;
    readonly selection: { readonly tagStatus: 'any'; readonly countType: 'imageCountMoreThan'; readonly countNumber: number };
    readonly action: { readonly type: 'expire' };
  }[];
}

/**
 * Keeps the newest `keep` images of any tag status and expires the rest. Content-hash tags are
 * immutable, so old images only accumulate; `keep` must cover the images a rollback needs.
 */
export function ecrLifecyclePolicy(keep: number): EcrLifecyclePolicy {
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`tradai:ecrKeepLastImages must be a positive whole number (got ${keep})`);
  return {
    rules: [
      {
        rulePriority: 1,
        description: `keep the last ${keep} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keep },
        action: { type: 'expire' },
      },
    ],
  };
}

/** An ECR repository policy: no Resource element, it applies to the repository it is set on. */
export interface EcrRepositoryPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: readonly {
    readonly Sid: string;
    readonly Effect: 'Allow';
    readonly Principal: { readonly Service: string };
    readonly Action: readonly string[];
    readonly Condition: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  }[];
}

/**
 * Lets the Lambda service pull function `lambdaKey`'s image from its repository, for that function
 * (and its versions and aliases) in each of `environments` only: one environment normally, every
 * environment of a shared account when this stack owns the repositories for all of them. Lambda
 * adds such a statement itself only when the deployer may set repository policies; declaring it
 * keeps a least-privilege deploy working.
 */
export function lambdaPullPolicy(ctx: ArnContext, lambdaKey: string, environments: readonly Environment[] = [ctx.env]): EcrRepositoryPolicy {
  if (!environments.length) throw new Error(`lambdaPullPolicy(${lambdaKey}): at least one environment is needed`);
  const functions = environments.map((env) => lambdaArn({ ...ctx, env }, lambdaKey));
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'LambdaECRImageRetrievalPolicy',
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Condition: { StringLike: { 'aws:sourceArn': functions.flatMap((fn) => [fn, `${fn}:*`]) } },
      },
    ],
  };
}
