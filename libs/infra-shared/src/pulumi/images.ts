import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { getEcrRepoName } from '../config/ecr.js';
import { imageBuild, imageTag, type ImageKind } from '../images/image-tag.js';

/**
 * `<repositoryUrl>@sha256:...` for an image: the content tag is computed from the build context
 * (the same function `push` uses) and resolved to its digest in ECR, so a function or task
 * definition changes exactly when its image content changes. A tag missing from ECR fails here;
 * the compute pre-flight reports all missing images at once before `up`.
 */
export function imageUri(kind: ImageKind, name: string, repositoryUrl: pulumi.Input<string>): pulumi.Output<string> {
  const build = imageBuild(kind, name);
  const tag = imageTag(build);
  const image = aws.ecr.getImageOutput({ repositoryName: getEcrRepoName(build.repoKey), imageTag: tag });
  return pulumi.interpolate`${repositoryUrl}@${image.imageDigest}`;
}
