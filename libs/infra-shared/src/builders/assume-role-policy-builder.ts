import { assertValidPolicyDocument, POLICY_VERSION, type PolicyCondition, type PolicyDocument, type PolicyStatement } from './policy-document.js';

/** GitHub Actions' OIDC issuer; its claims are the condition keys of the trust policy. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** Options for service-principal trust policies. */
export interface ServiceTrustOptions {
  /**
   * Adds `aws:SourceAccount` (confused-deputy protection): the service may assume the role only
   * on behalf of this account.
   */
  readonly sourceAccount?: string;
}

const SERVICE_PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com$/;
const ACCOUNT_ID = /^\d{12}$/;
const OIDC_PROVIDER_ARN = new RegExp(`^arn:aws(?:-cn|-us-gov)?:iam::\\d{12}:oidc-provider/${GITHUB_OIDC_HOST.replace(/\./g, '\\.')}$`);
const GITHUB_REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
// Git ref names: no wildcards (a "*" would need StringLike and let any branch deploy), no spaces.
const BRANCH = /^[A-Za-z0-9._/-]+$/;

/**
 * Trust policies (`aws.iam.Role.assumeRolePolicy`) built from factories. Pure: with a Pulumi
 * Output for the OIDC provider ARN, build it inside `policyJson` from `@tradai/infra-shared/pulumi`.
 *
 * @example
 * new aws.iam.Role(name, { assumeRolePolicy: AssumeRolePolicyBuilder.forEcsTasks().json() })
 */
export class AssumeRolePolicyBuilder {
  private constructor(
    private readonly label: string,
    private readonly statement: PolicyStatement,
  ) {}

  /** ECS task and task-execution roles. */
  static forEcsTasks(options: ServiceTrustOptions = {}): AssumeRolePolicyBuilder {
    return AssumeRolePolicyBuilder.forService('ecs-tasks.amazonaws.com', options);
  }

  /** Lambda execution roles. */
  static forLambda(options: ServiceTrustOptions = {}): AssumeRolePolicyBuilder {
    return AssumeRolePolicyBuilder.forService('lambda.amazonaws.com', options);
  }

  /**
   * EC2 instance-profile roles. No source-account option: the instance profile is the binding,
   * and EC2 does not document aws:SourceAccount for role assumption.
   */
  static forEc2(): AssumeRolePolicyBuilder {
    return AssumeRolePolicyBuilder.forService('ec2.amazonaws.com');
  }

  /** Step Functions state machine roles. */
  static forStepFunctions(options: ServiceTrustOptions = {}): AssumeRolePolicyBuilder {
    return AssumeRolePolicyBuilder.forService('states.amazonaws.com', options);
  }

  /** Any AWS service principal (`<name>.amazonaws.com`), e.g. `events.amazonaws.com`. */
  static forService(service: string, options: ServiceTrustOptions = {}): AssumeRolePolicyBuilder {
    if (!SERVICE_PRINCIPAL.test(service)) throw new Error(`AssumeRolePolicyBuilder: "${service}" is not a service principal (<name>.amazonaws.com)`);
    let condition: PolicyCondition | undefined;
    if (options.sourceAccount !== undefined) {
      if (!ACCOUNT_ID.test(options.sourceAccount)) throw new Error(`AssumeRolePolicyBuilder(${service}): sourceAccount "${options.sourceAccount}" is not a 12-digit account id`);
      condition = { StringEquals: { 'aws:SourceAccount': options.sourceAccount } };
    }
    return new AssumeRolePolicyBuilder(`AssumeRolePolicyBuilder(${service})`, {
      Sid: 'AllowServiceAssumeRole',
      Effect: 'Allow',
      Principal: { Service: service },
      Action: ['sts:AssumeRole'],
      ...(condition ? { Condition: condition } : {}),
    });
  }

  /**
   * GitHub Actions deploy roles: only workflows of `repository` (`owner/repo`) running on one of
   * `branches` may assume the role, with audience `sts.amazonaws.com`.
   */
  static forGithubOidc(providerArn: string, repository: string, branches: readonly string[]): AssumeRolePolicyBuilder {
    const label = `AssumeRolePolicyBuilder(github:${repository})`;
    if (!OIDC_PROVIDER_ARN.test(providerArn)) throw new Error(`${label}: "${providerArn}" is not the ARN of the ${GITHUB_OIDC_HOST} OIDC provider`);
    if (!GITHUB_REPOSITORY.test(repository)) throw new Error(`${label}: repository must be "owner/repo"`);
    if (branches.length === 0) throw new Error(`${label}: at least one branch is required`);
    for (const branch of branches) {
      if (!BRANCH.test(branch) || branch.startsWith('refs/')) throw new Error(`${label}: branch "${branch}" must be a plain branch name (no wildcard, no refs/ prefix)`);
    }
    if (new Set(branches).size !== branches.length) throw new Error(`${label}: a branch is listed twice`);
    const subjects = branches.map((b) => `repo:${repository}:ref:refs/heads/${b}`);
    return new AssumeRolePolicyBuilder(label, {
      Sid: 'AllowGithubActionsAssumeRole',
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: ['sts:AssumeRoleWithWebIdentity'],
      // StringEquals with a list matches any one of them; no StringLike, so no wildcard subjects.
      Condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com', [`${GITHUB_OIDC_HOST}:sub`]: subjects } },
    });
  }

  /** The trust policy document, checked by validatePolicyDocument. */
  build(): PolicyDocument {
    const doc: PolicyDocument = { Version: POLICY_VERSION, Statement: [structuredClone(this.statement)] };
    assertValidPolicyDocument(this.label, doc);
    return doc;
  }

  /** `JSON.stringify(build())`, what `aws.iam.Role.assumeRolePolicy` takes. */
  json(): string {
    return JSON.stringify(this.build());
  }
}
