import { LAMBDA_NAMES } from '@tradai/contracts';
import { ECR_REPOS } from './services.js';

/** LAMBDA_ECR_REPOS: one repository per Lambda, named after it. */
export const LAMBDA_ECR_REPOS = LAMBDA_NAMES;

/** Images kept per repository by the lifecycle policy (unless overridden in Pulumi config). */
export const ECR_KEEP_LAST_IMAGES = 20;

/** ECR repository name: `tradai/<key>` (seed: get_ecr_repo_name). */
export function getEcrRepoName(repoKey: string): string {
  return `tradai/${repoKey}`;
}

/** Every repository key the persistent stack creates, in order: services, Lambdas, strategies. */
export function allEcrRepoKeys(strategyRepos: readonly string[]): string[] {
  return [...ECR_REPOS, ...LAMBDA_ECR_REPOS, ...strategyRepos];
}
