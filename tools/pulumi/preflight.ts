import { DescribeImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { LAMBDA_NAMES } from '@tradai/contracts';
import { ECR_REPOS, getEcrRepoName, imageBuild, imageTag, type ImageBuild } from '@tradai/infra-shared';

/** An image the compute layer references: repository, content tag, and how to push it. */
export interface RequiredImage {
  readonly repositoryName: string;
  readonly tag: string;
  readonly pushCommand: string;
}

const pushCommand = (b: ImageBuild, env: string) => `npx nx run ${b.name}:push -c ${env}`;

/** Every image compute references (18 Lambdas, 6 service images) with the tag it will ask for. */
export function requiredImages(root: string, env: string): RequiredImage[] {
  const builds = [...LAMBDA_NAMES.map((n) => imageBuild('lambda', n)), ...ECR_REPOS.map((n) => imageBuild('service', n))];
  return builds.map((b) => ({ repositoryName: getEcrRepoName(b.repoKey), tag: imageTag(b, root), pushCommand: pushCommand(b, env) }));
}

/** Asks ECR for each tag; a missing repository or tag makes the image missing. */
export async function findMissingImages(ecr: ECRClient, required: readonly RequiredImage[]): Promise<RequiredImage[]> {
  const results = await Promise.all(
    required.map(async (image) => {
      try {
        await ecr.send(new DescribeImagesCommand({ repositoryName: image.repositoryName, imageIds: [{ imageTag: image.tag }] }));
        return undefined;
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name === 'ImageNotFoundException' || name === 'RepositoryNotFoundException') return image;
        throw err;
      }
    }),
  );
  return results.filter((r): r is RequiredImage => r !== undefined);
}

/** The pre-flight failure: every missing image and the command that pushes it. */
export function formatMissingImages(missing: readonly RequiredImage[], env: string): string {
  return [
    `compute pre-flight: ${missing.length} image(s) referenced by tradai-compute/${env} are not in ECR; nothing was deployed.`,
    ...missing.map((m) => `  ${m.repositoryName}:${m.tag}    ${m.pushCommand}`),
    `Push them all with: npx nx run-many -t push -c ${env} --projects=tag:type:lambda,tag:type:service`,
  ].join('\n');
}
