import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import { MOCK_ACCOUNT_ID, MOCK_REGION, mockResourceState } from './resource-state.js';

/** One resource the program registered, as the plan records it. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  /** `<type>::<name>` of the parent component, or null for top-level resources. */
  readonly parent: string | null;
}

export interface RecordedInvoke {
  readonly token: string;
  readonly inputs: Record<string, unknown>;
}

export interface PulumiMocksOptions {
  /** StackReference name (`organization/tradai-persistent/dev`) -> that stack's outputs. */
  readonly stackOutputs?: Readonly<Record<string, Record<string, unknown>>>;
  /** `repository:tag` pairs the ECR image lookup reports as missing. */
  readonly missingImages?: readonly string[];
}

/** The digest the mocked registry reports for an image: stable per repository and tag. */
export function mockImageDigest(repositoryName: string, imageTag: string): string {
  return `sha256:${createHash('sha256').update(`${repositoryName}:${imageTag}`).digest('hex')}`;
}

const AZS = ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'];

/**
 * The seed's PulumiMocks: records every resource (type, name, inputs, parent) and invoke, answers
 * the invokes the stacks use, and fills StackReferences from given outputs. An invoke it does not
 * know fails loudly so a new lookup gets an explicit, reviewed answer here.
 */
export class PulumiMocks implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  readonly invokes: RecordedInvoke[] = [];
  /** `<type>::<name>` -> parent, captured by a stack transformation (mocks do not see parents). */
  readonly parents = new Map<string, string | null>();

  constructor(private readonly options: PulumiMocksOptions = {}) {}

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    if (args.type === 'pulumi:pulumi:StackReference') {
      const name = String(args.inputs.name);
      const outputs = this.options.stackOutputs?.[name];
      if (!outputs) {
        throw new Error(`StackReference ${name}: no outputs given to the harness (known: ${Object.keys(this.options.stackOutputs ?? {}).join(', ') || 'none'})`);
      }
      return { id: name, state: { name, outputs, secretOutputNames: [] } };
    }
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    const key = `${args.type}::${args.name}`;
    this.resources.push({ type: args.type, name: args.name, inputs, parent: this.parents.get(key) ?? null });
    const { id, state } = mockResourceState(args.type, args.name, inputs);
    // args.id is "" for new resources: `||`, not `??`, or the id stays unknown and apply never fires.
    return { id: args.id || id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    this.invokes.push({ token: args.token, inputs });
    switch (args.token) {
      case 'aws:index/getRegion:getRegion':
        return { id: MOCK_REGION, name: MOCK_REGION, region: MOCK_REGION, description: 'Europe (Frankfurt)', endpoint: `ec2.${MOCK_REGION}.amazonaws.com` };
      case 'aws:index/getCallerIdentity:getCallerIdentity':
        return { id: MOCK_ACCOUNT_ID, accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/ci`, userId: 'AIDAMOCK' };
      case 'aws:index/getPartition:getPartition':
        return { id: 'aws', partition: 'aws', dnsSuffix: 'amazonaws.com', reverseDnsPrefix: 'com.amazonaws' };
      case 'aws:index/getAvailabilityZones:getAvailabilityZones':
        return { id: MOCK_REGION, names: AZS, zoneIds: ['euc1-az2', 'euc1-az3', 'euc1-az1'], state: 'available' };
      case 'aws:ec2/getAmi:getAmi': {
        const filters = (inputs['filters'] as { name: string; values: string[] }[] | undefined) ?? [];
        const arch = filters.find((f) => f.name === 'architecture')?.values[0] ?? 'x86_64';
        return { id: `ami-0al2023${arch.replace('_', '')}`, architecture: arch, name: `al2023-ami-2023.6.20241121.0-kernel-6.1-${arch}`, imageId: `ami-0al2023${arch.replace('_', '')}` };
      }
      case 'aws:ecr/getImage:getImage': {
        const repo = String(inputs['repositoryName']);
        const tag = String(inputs['imageTag'] ?? 'latest');
        if (this.options.missingImages?.includes(`${repo}:${tag}`)) throw new Error(`ImageNotFoundException: ${repo}:${tag}`);
        const digest = mockImageDigest(repo, tag);
        return { id: digest, imageDigest: digest, imageTags: [tag], repositoryName: repo, registryId: MOCK_ACCOUNT_ID, imageUri: `${MOCK_ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com/${repo}@${digest}` };
      }
      case 'aws:elb/getServiceAccount:getServiceAccount':
        // The eu-central-1 ELB log-delivery account.
        return { id: '054676820928', arn: 'arn:aws:iam::054676820928:root' };
      case 'aws:iam/getPolicyDocument:getPolicyDocument':
        return { id: 'policy', json: JSON.stringify({ Version: '2012-10-17', Statement: inputs['statements'] ?? [] }) };
      case 'aws:codeartifact/getRepositoryEndpoint:getRepositoryEndpoint': {
        // The documented endpoint shape: https://<domain>-<owner>.d.codeartifact.<region>.amazonaws.com/<format>/<repo>/
        const [domain, repository, format] = [inputs['domain'], inputs['repository'], inputs['format']].map(String);
        const owner = typeof inputs['domainOwner'] === 'string' && inputs['domainOwner'] ? inputs['domainOwner'] : MOCK_ACCOUNT_ID;
        const repositoryEndpoint = `https://${domain}-${owner}.d.codeartifact.${MOCK_REGION}.amazonaws.com/${format}/${repository}/`;
        return { id: repositoryEndpoint, domain, domainOwner: owner, format, region: MOCK_REGION, repository, repositoryEndpoint };
      }
      // Account-wide resources another environment owns (tradai:sharedAccount): the lookups find them.
      case 'aws:ecr/getRepository:getRepository': {
        const name = String(inputs['name']);
        const arn = `arn:aws:ecr:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:repository/${name}`;
        return { id: name, name, arn, registryId: MOCK_ACCOUNT_ID, repositoryUrl: `${MOCK_ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com/${name}`, imageTagMutability: 'IMMUTABLE' };
      }
      case 'aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider': {
        const host = String(inputs['url'] ?? '').replace(/^https:\/\//, '');
        const arn = `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${host}`;
        return { id: arn, arn, url: host, clientIdLists: ['sts.amazonaws.com'], thumbprintLists: [] };
      }
      // The Pulumi state bucket, made by `npm run infra -- bootstrap` before any stack exists.
      case 'aws:s3/getBucket:getBucket': {
        const bucket = String(inputs['bucket']);
        return { id: bucket, bucket, arn: `arn:aws:s3:::${bucket}`, region: MOCK_REGION, bucketDomainName: `${bucket}.s3.amazonaws.com`, bucketRegionalDomainName: `${bucket}.s3.${MOCK_REGION}.amazonaws.com` };
      }
      default:
        throw new Error(`PulumiMocks: no answer for invoke ${args.token}; add one in libs/infra-shared/src/testing/mocks.ts`);
    }
  }

  /** Resources of one type, optionally one logical name. */
  byType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource with this type and logical name; throws listing what exists. */
  find(type: string, name: string): RecordedResource {
    const found = this.resources.find((r) => r.type === type && r.name === name);
    if (!found) {
      throw new Error(`no ${type} named ${name}; have: ${this.byType(type).map((r) => r.name).join(', ') || 'none of that type'}`);
    }
    return found;
  }

  /** Resource counts by type, for plans and assertions. */
  countsByType(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return counts;
  }
}
