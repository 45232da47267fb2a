import { ValidationError } from '@tradai/domain';

/** An ECR image reference: `<acct>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag][@sha256:...]`. */
export interface ImageRef {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const ECR_IMAGE = /^(\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?)\/([a-z0-9][a-z0-9._/-]*?)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

/** Parses an ECR image reference; throws ValidationError (field `image`) for anything else or one with neither tag nor digest. */
export function parseImageRef(image: string): ImageRef {
  const m = ECR_IMAGE.exec(image);
  if (!m) throw new ValidationError(`invalid config version: image: "${image}" is not an ECR image reference`, 'image');
  const [, registry, repository, tag, digest] = m;
  if (!tag && !digest) throw new ValidationError(`invalid config version: image: "${image}" has neither tag nor digest`, 'image');
  return { registry: registry!, repository: repository!, tag, digest };
}
