import type { LocatedResource } from '../plan/model.js';
import { policyStatements, principals, wildcardMatch, type Statement } from '../plan/iam.js';
import { T } from '../plan/tokens.js';
import { finding, type Finding, type Rule } from './types.js';
import { arr, obj } from './util.js';

/**
 * Actions that do not support resource-level permissions (or only `*` in practice), so
 * `Resource: "*"` is the only correct value for them. Source: the Service Authorization
 * Reference "Resource types" column (https://docs.aws.amazon.com/service-authorization/latest/reference/).
 * Anything else with `Resource: "*"` could name an ARN and is flagged.
 */
export const RESOURCE_STAR_ACTIONS: readonly string[] = [
  'ecr:GetAuthorizationToken',
  'sts:GetCallerIdentity',
  'sts:GetServiceBearerToken',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'xray:GetSamplingStatisticSummaries',
  'cloudwatch:PutMetricData',
  'cloudwatch:GetMetricData',
  'cloudwatch:GetMetricStatistics',
  'cloudwatch:ListMetrics',
  'cloudwatch:DescribeAlarms',
  'logs:DescribeLogGroups',
  // Vended log delivery (Step Functions, API Gateway access logs): these APIs take no resource.
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'ec2:Describe*',
  // ENI management for VPC-attached Lambdas (AWSLambdaVPCAccessExecutionRole grants these on *).
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
  'ecs:DescribeTaskDefinition',
  'ecs:RegisterTaskDefinition',
  'ecs:DeregisterTaskDefinition',
  'ecs:ListTaskDefinitions',
  'ecs:ListClusters',
  'ecs:DiscoverPollEndpoint',
  // List calls scoped by the ecs:cluster condition key, not by a resource ARN.
  'ecs:ListServices',
  'ecs:ListTasks',
  'servicediscovery:DiscoverInstances',
  'servicediscovery:DiscoverInstancesRevision',
  'servicediscovery:GetOperation',
  'servicediscovery:ListOperations',
  'servicediscovery:ListNamespaces',
  'servicediscovery:ListServices',
  'states:ListStateMachines',
  'states:ListActivities',
  'lambda:ListFunctions',
  'lambda:GetAccountSettings',
  'sns:ListTopics',
  'sqs:ListQueues',
  'dynamodb:ListTables',
  's3:ListAllMyBuckets',
  'secretsmanager:GetRandomPassword',
  'secretsmanager:ListSecrets',
  'tag:GetResources',
  'kms:ListKeys',
  'kms:ListAliases',
  'ssm:DescribeParameters',
  // Session Manager agent channels (AmazonSSMManagedInstanceCore grants these on *).
  'ssm:UpdateInstanceInformation',
  'ssmmessages:*',
  'ec2messages:*',
  'autoscaling:Describe*',
  'elasticloadbalancing:Describe*',
  'cognito-idp:ListUserPools',
  'codeartifact:GetAuthorizationToken',
];

/** AWS managed policies that amount to administrator access. */
const ADMIN_POLICIES = ['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess'];

const GITHUB_OIDC = 'token.actions.githubusercontent.com';

interface PolicySource {
  readonly property: string;
  readonly statements: Statement[];
}

/** The identity-policy documents a resource carries (a policy resource's `policy`, a role's inline policies). */
export function identityPolicies(r: LocatedResource): PolicySource[] {
  if ((T.iamRole as readonly string[]).includes(r.type)) {
    return arr(r.inputs['inlinePolicies']).map((p, i) => ({ property: `inlinePolicies.${i}.policy`, statements: policyStatements(obj(p)['policy']) }));
  }
  return [{ property: 'policy', statements: policyStatements(r.inputs['policy']) }];
}

const allows = (sources: PolicySource[]) => sources.flatMap((src) => src.statements.filter((s) => s.effect === 'Allow').map((s) => ({ src, s })));
const label = (s: Statement) => (s.sid ? `statement ${s.sid}` : 'a statement');

const POLICY_TYPES = [...T.iamIdentityPolicy, ...T.iamRole];

export const IAM_RULES: readonly Rule[] = [
  {
    id: 'TRADAI-IAM-001',
    mirrors: ['AwsSolutions-IAM5', 'CKV_AWS_62', 'CKV_AWS_63'],
    severity: 'high',
    description: 'No identity policy allows Action "*" (or Allow with NotAction).',
    types: POLICY_TYPES,
    check: (r) =>
      allows(identityPolicies(r)).flatMap(({ src, s }) => [
        ...(s.actions.includes('*') ? [finding(`${src.property}.Action`, `${label(s)} allows Action "*"`)] : []),
        ...(s.notActions.length > 0 ? [finding(`${src.property}.NotAction`, `${label(s)} allows everything but ${s.notActions.join(', ')}`)] : []),
      ]),
  },
  {
    id: 'TRADAI-IAM-002',
    mirrors: ['AwsSolutions-IAM5', 'CKV_AWS_290'],
    severity: 'medium',
    description: 'No identity policy allows a whole service ("s3:*"); name the actions.',
    types: POLICY_TYPES,
    check: (r) =>
      allows(identityPolicies(r)).flatMap(({ src, s }) => {
        const wide = s.actions.filter((a) => /^[a-z0-9-]+:\*$/i.test(a) && !RESOURCE_STAR_ACTIONS.includes(a));
        return wide.length ? [finding(`${src.property}.Action`, `${label(s)} allows ${wide.join(', ')}`)] : [];
      }),
  },
  {
    id: 'TRADAI-IAM-003',
    mirrors: ['AwsSolutions-IAM5', 'CKV_AWS_355', 'CKV_AWS_111'],
    severity: 'high',
    description: 'Resource "*" only for actions without resource-level permissions; everything else names its ARNs.',
    types: POLICY_TYPES,
    check: (r) =>
      allows(identityPolicies(r)).flatMap(({ src, s }) => {
        if (!s.resources.includes('*')) return [];
        const scoped = s.actions.filter((a) => a !== '*' && !RESOURCE_STAR_ACTIONS.some((p) => wildcardMatch(p, a)));
        return scoped.length ? [finding(`${src.property}.Resource`, `${label(s)} grants ${scoped.join(', ')} on Resource "*" (these accept ARNs)`)] : [];
      }),
  },
  {
    id: 'TRADAI-IAM-004',
    mirrors: ['CKV_AWS_274', 'AwsSolutions-IAM4'],
    severity: 'high',
    description: 'No role, user or group gets an administrator AWS managed policy (AdministratorAccess, PowerUserAccess, IAMFullAccess).',
    types: [...T.iamPolicyAttachment, ...T.iamRole],
    check: (r) => {
      const arns = (T.iamRole as readonly string[]).includes(r.type) ? arr(r.inputs['managedPolicyArns']) : [r.inputs['policyArn']];
      return arns
        .map(String)
        .filter((arn) => ADMIN_POLICIES.some((p) => arn.endsWith(`:policy/${p}`)))
        .map((arn) => finding((T.iamRole as readonly string[]).includes(r.type) ? 'managedPolicyArns' : 'policyArn', `attaches ${arn}`));
    },
  },
  {
    id: 'TRADAI-IAM-005',
    mirrors: ['CKV_AWS_60'],
    severity: 'high',
    description: 'Role trust policies name their principals: no "*" without a condition.',
    types: T.iamRole,
    check: (role) =>
      policyStatements(role.inputs['assumeRolePolicy'])
        .filter((s) => s.effect === 'Allow' && (principals(s.principal).includes('*') || principals(s.principal).includes('AWS:*')) && !s.condition)
        .map((s) => finding('assumeRolePolicy', `${label(s)} lets any principal assume the role`)),
  },
  {
    id: 'TRADAI-IAM-006',
    mirrors: ['CKV_AWS_358'],
    severity: 'high',
    description: `Roles trusted by GitHub OIDC restrict ${GITHUB_OIDC}:sub to named repositories.`,
    types: T.iamRole,
    check: (role) => {
      const out: Finding[] = [];
      for (const s of policyStatements(role.inputs['assumeRolePolicy'])) {
        if (s.effect !== 'Allow' || !principals(s.principal).some((p) => p.includes(GITHUB_OIDC))) continue;
        const subs = Object.values(s.condition ?? {}).flatMap((c) => arr(obj(c)[`${GITHUB_OIDC}:sub`]).map(String));
        if (subs.length === 0) out.push(finding('assumeRolePolicy', `${label(s)} trusts GitHub OIDC without a ${GITHUB_OIDC}:sub condition`));
        else {
          const open = subs.filter((v) => v === '*' || /^repo:\*/.test(v) || /^repo:[^/]+\/\*/.test(v));
          if (open.length) out.push(finding('assumeRolePolicy', `${label(s)} allows any repository (${open.join(', ')})`));
        }
      }
      return out;
    },
  },
];

// Exported for tests and reviewers: which actions are allowed with Resource "*".
export const isResourceStarAction = (action: string) => RESOURCE_STAR_ACTIONS.some((p) => wildcardMatch(p, action));
