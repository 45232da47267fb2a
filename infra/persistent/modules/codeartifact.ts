import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { getResourceName, getTags, type Environment, type TradaiConfig } from '@tradai/infra-shared';
import { dataLifecycle, dataOptions } from './lifecycle.js';

/** The public registry the upstream repository proxies (and caches): PyPI, as in the seed. */
export const PYPI_EXTERNAL_CONNECTION = 'public:pypi';
/** The package format whose endpoint the stack exports (`pip --index-url <endpoint>simple/`). */
export const PACKAGE_FORMAT = 'pypi';

/** Domain, Python package repository and its PyPI proxy, per environment. */
export function codeArtifactNames(env: Environment): { domain: string; repository: string; upstream: string } {
  return {
    // One domain per environment: domains are per account and region, and the three stacks may share an account.
    domain: getResourceName('codeartifact', env),
    repository: getResourceName('python', env),
    upstream: getResourceName('pypi-proxy', env),
  };
}

export interface CodeArtifactArgs {
  readonly cfg: TradaiConfig;
}

/**
 * The private Python package registry (seed codeartifact.py): a domain (encrypted with the
 * AWS-managed key), a repository for TradAI's own Python packages, and an upstream repository
 * with an external connection to public:pypi, so `pip install` through the private endpoint also
 * resolves (and caches) public packages — the MLflow image's requirements.txt and the Python
 * strategy tooling. There is no npm repository: the TypeScript workspace publishes nothing
 * (its libraries are workspace packages) and installs from the public npm registry with its lock file.
 * Published packages are data: dataLifecycle applies to domain and repositories.
 */
export class CodeArtifact extends pulumi.ComponentResource {
  readonly domain: aws.codeartifact.Domain;
  readonly repository: aws.codeartifact.Repository;
  /** `https://<domain>-<account>.d.codeartifact.<region>.amazonaws.com/pypi/<repo>/` */
  readonly repositoryEndpoint: pulumi.Output<string>;

  constructor(name: string, args: CodeArtifactArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:persistent:CodeArtifact', name, {}, opts);
    const { cfg } = args;
    const names = codeArtifactNames(cfg.environment);
    const tags = getTags(cfg.environment);
    const keep = { parent: this, ...dataOptions(dataLifecycle(cfg)) };

    this.domain = new aws.codeartifact.Domain(`${name}-domain`, { domain: names.domain, tags }, keep);
    const upstream = new aws.codeartifact.Repository(
      `${name}-pypi`,
      {
        domain: this.domain.domain,
        repository: names.upstream,
        description: 'proxy and cache of the public Python Package Index',
        externalConnections: { externalConnectionName: PYPI_EXTERNAL_CONNECTION },
        tags,
      },
      keep,
    );
    this.repository = new aws.codeartifact.Repository(
      `${name}-python`,
      {
        domain: this.domain.domain,
        repository: names.repository,
        description: 'TradAI Python packages; public PyPI packages resolve through the upstream',
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
