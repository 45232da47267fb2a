import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { getResourceName, getTags, type Environment, type TradaiConfig } from '@tradai/infra-shared';
import { dataProtection } from '@tradai/infra-shared/pulumi';

/** The public registry the upstream repository proxies (and caches). */
export const NPM_EXTERNAL_CONNECTION = 'public:npmjs';
/** The package format whose endpoint the stack exports. */
export const PACKAGE_FORMAT = 'npm';

/** Domain, package repository and its npmjs proxy, per environment. */
export function codeArtifactNames(env: Environment): { domain: string; repository: string; upstream: string } {
  return {
    // One domain per environment: domains are per account and region, and the three stacks may share an account.
    domain: getResourceName('codeartifact', env),
    repository: getResourceName('packages', env),
    upstream: getResourceName('npmjs-proxy', env),
  };
}

export interface CodeArtifactArgs {
  readonly cfg: TradaiConfig;
}

/**
 * The private package registry: a domain (encrypted with the AWS-managed key), a repository for
 * TradAI's own packages, and an upstream repository with an external connection to
 * public:npmjs, so installs through the private endpoint also resolve (and cache) public
 * packages. Published packages are data: dataProtection applies to domain and repositories.
 */
export class CodeArtifact extends pulumi.ComponentResource {
  readonly domain: aws.codeartifact.Domain;
  readonly repository: aws.codeartifact.Repository;
  /** `https://<domain>-<account>.d.codeartifact.<region>.amazonaws.com/npm/<repo>/` */
  readonly repositoryEndpoint: pulumi.Output<string>;

  constructor(name: string, args: CodeArtifactArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:persistent:CodeArtifact', name, {}, opts);
    const { cfg } = args;
    const names = codeArtifactNames(cfg.environment);
    const tags = getTags(cfg.environment);
    const keep = { parent: this, ...dataProtection(cfg) };

    this.domain = new aws.codeartifact.Domain(`${name}-domain`, { domain: names.domain, tags }, keep);
    const upstream = new aws.codeartifact.Repository(
      `${name}-npmjs`,
      {
        domain: this.domain.domain,
        repository: names.upstream,
        description: 'proxy and cache of the public npm registry',
        externalConnections: { externalConnectionName: NPM_EXTERNAL_CONNECTION },
        tags,
      },
      keep,
    );
    this.repository = new aws.codeartifact.Repository(
      `${name}-packages`,
      {
        domain: this.domain.domain,
        repository: names.repository,
        description: 'TradAI packages; public npm packages resolve through the upstream',
        upstreams: [{ repositoryName: upstream.repository }],
        tags,
      },
      keep,
    );
    this.repositoryEndpoint = aws.codeartifact
      .getRepositoryEndpointOutput(
        { domain: this.repository.domain, domainOwner: this.repository.domainOwner, repository: this.repository.repository, format: PACKAGE_FORMAT },
        { parent: this },
      )
      .apply((r) => r.repositoryEndpoint);
    this.registerOutputs({ domain: this.domain.domain, repositoryEndpoint: this.repositoryEndpoint });
  }
}
