import { createHash } from 'node:crypto';

/** Account and region every mocked resource lives in. */
export const MOCK_ACCOUNT_ID = '123456789012';
export const MOCK_REGION = 'eu-central-1';

const hex = (s: string, n = 17) => createHash('sha256').update(s).digest('hex').slice(0, n);

/** EC2-style ids (`vpc-0a1b...`) for resource kinds whose real id is not their name. */
const EC2_ID_PREFIX: Record<string, string> = {
  vpc: 'vpc',
  subnet: 'subnet',
  securityGroup: 'sg',
  internetGateway: 'igw',
  routeTable: 'rtb',
  networkAcl: 'acl',
  instance: 'i',
  eip: 'eipalloc',
  vpcEndpoint: 'vpce',
  flowLog: 'fl',
  launchTemplate: 'lt',
  networkInterface: 'eni',
  securityGroupIngressRule: 'sgr',
  securityGroupEgressRule: 'sgr',
};

/** Physical name a resource would get: the explicit name input if any, else the logical name. */
export function physicalName(name: string, inputs: Record<string, unknown>): string {
  for (const key of ['name', 'bucket', 'functionName', 'domain', 'repository', 'identifier', 'clusterIdentifier']) {
    const v = inputs[key];
    if (typeof v === 'string' && v) return v;
  }
  return name;
}

function arnFor(service: string, kind: string, physical: string): string {
  const regional = (resource: string) => `arn:aws:${service}:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:${resource}`;
  switch (service) {
    case 's3':
      return `arn:aws:s3:::${physical}`;
    case 'iam':
      return `arn:aws:iam::${MOCK_ACCOUNT_ID}:${kind === 'instanceProfile' ? 'instance-profile' : kind === 'openIdConnectProvider' ? 'oidc-provider' : kind.toLowerCase()}/${physical}`;
    case 'sqs':
    case 'sns':
      return regional(physical);
    case 'dynamodb':
      return regional(`table/${physical}`);
    case 'lambda':
      return regional(`function:${physical}`);
    case 'sfn':
      return `arn:aws:states:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:stateMachine:${physical}`;
    case 'ecr':
      return regional(`repository/${physical}`);
    case 'cloudwatch':
      return kind === 'logGroup' ? `arn:aws:logs:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:log-group:${physical}` : regional(`${kind}:${physical}`);
    case 'rds':
      return regional(`${kind === 'instance' ? 'db' : kind}:${physical}`);
    case 'secretsmanager':
      return regional(`secret:${physical}-AbCdEf`);
    case 'lb':
      return regional(`${kind === 'targetGroup' ? 'targetgroup' : kind === 'listener' ? 'listener/app' : 'loadbalancer/app'}/${physical}/${hex(physical, 16)}`);
    default:
      return regional(`${kind}/${physical}`);
  }
}

/**
 * Output properties the mock engine returns for a new resource: its inputs echoed back plus the
 * computed attributes stacks read (ids, ARNs, URLs, endpoints). Add a case here when a stack reads
 * an attribute the provider computes.
 */
export function mockResourceState(type: string, name: string, inputs: Record<string, unknown>): { id: string; state: Record<string, unknown> } {
  const [, module = '', kindRaw = ''] = type.split(':');
  const service = module.split('/')[0]!;
  const kind = kindRaw.charAt(0).toLowerCase() + kindRaw.slice(1);
  const physical = physicalName(name, inputs);
  const arn = arnFor(service, kind, physical);
  const prefix = service === 'ec2' || service === 'vpc' ? EC2_ID_PREFIX[kind] : undefined;
  let id = prefix ? `${prefix}-0${hex(`${type}/${name}`)}` : physical;
  const state: Record<string, unknown> = { ...inputs, arn };

  switch (type) {
    case 'aws:s3/bucketV2:BucketV2':
    case 'aws:s3/bucket:Bucket':
      Object.assign(state, { bucket: physical, bucketDomainName: `${physical}.s3.amazonaws.com`, bucketRegionalDomainName: `${physical}.s3.${MOCK_REGION}.amazonaws.com` });
      break;
    case 'aws:sqs/queue:Queue':
      id = `https://sqs.${MOCK_REGION}.amazonaws.com/${MOCK_ACCOUNT_ID}/${physical}`;
      Object.assign(state, { url: id, name: physical });
      break;
    case 'aws:ecr/repository:Repository':
      Object.assign(state, { repositoryUrl: `${MOCK_ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com/${physical}`, registryId: MOCK_ACCOUNT_ID, name: physical });
      break;
    case 'aws:lb/loadBalancer:LoadBalancer':
      Object.assign(state, { dnsName: `${physical}-${hex(physical, 8)}.${MOCK_REGION}.elb.amazonaws.com`, arnSuffix: arn.split(':loadbalancer/')[1], zoneId: 'Z215JYRZR1TBD5' });
      id = arn;
      break;
    case 'aws:lb/targetGroup:TargetGroup':
      Object.assign(state, { arnSuffix: arn.split(':')[5] });
      id = arn;
      break;
    case 'aws:lb/listener:Listener':
      id = arn;
      break;
    case 'aws:rds/instance:Instance':
      Object.assign(state, {
        address: `${physical}.c0abcdefghij.${MOCK_REGION}.rds.amazonaws.com`,
        endpoint: `${physical}.c0abcdefghij.${MOCK_REGION}.rds.amazonaws.com:5432`,
        identifier: physical,
        resourceId: `db-${hex(physical, 26).toUpperCase()}`,
        masterUserSecrets: inputs['manageMasterUserPassword'] ? [{ secretArn: arnFor('secretsmanager', 'secret', `rds!db-${hex(physical, 8)}`), secretStatus: 'active', kmsKeyId: '' }] : [],
      });
      break;
    case 'aws:ec2/instance:Instance':
      // The NAT instance's primary ENI is the private route tables' target.
      Object.assign(state, { primaryNetworkInterfaceId: `eni-0${hex(`${type}/${name}/eni`)}`, privateIp: '10.0.0.10' });
      break;
    case 'aws:ec2/eip:Eip':
      Object.assign(state, { publicIp: '203.0.113.10', allocationId: id });
      break;
    case 'aws:kms/key:Key':
      id = `${hex(`${type}/${name}`, 8)}-0000-4000-8000-${hex(`${type}/${name}/k`, 12)}`;
      Object.assign(state, { keyId: id, arn: `arn:aws:kms:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:key/${id}` });
      break;
    case 'aws:cognito/userPool:UserPool':
      id = `${MOCK_REGION}_${hex(physical, 9)}`;
      Object.assign(state, { endpoint: `cognito-idp.${MOCK_REGION}.amazonaws.com/${id}`, arn: `arn:aws:cognito-idp:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:userpool/${id}` });
      break;
    case 'aws:cognito/userPoolClient:UserPoolClient':
      id = hex(`${physical}client`, 26);
      // Cognito generates the secret of a confidential client (the M2M client's goes into Secrets Manager).
      if (inputs['generateSecret'] === true) Object.assign(state, { clientSecret: hex(`${physical}secret`, 51) });
      break;
    case 'aws:sfn/stateMachine:StateMachine':
      id = arn;
      break;
    case 'aws:lambda/function:Function':
      Object.assign(state, { invokeArn: `arn:aws:apigateway:${MOCK_REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`, qualifiedArn: `${arn}:$LATEST` });
      break;
    case 'aws:apigatewayv2/api:Api':
      id = hex(physical, 10);
      Object.assign(state, { apiEndpoint: `https://${id}.execute-api.${MOCK_REGION}.amazonaws.com`, executionArn: `arn:aws:execute-api:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:${id}` });
      break;
    case 'aws:codeartifact/repository:Repository':
      Object.assign(state, { repositoryEndpoint: `https://${String(inputs['domain'])}-${MOCK_ACCOUNT_ID}.d.codeartifact.${MOCK_REGION}.amazonaws.com/npm/${physical}/` });
      break;
    case 'aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace':
      id = `ns-${hex(physical, 16)}`;
      Object.assign(state, { hostedZone: `Z${hex(physical, 13).toUpperCase()}` });
      break;
    case 'aws:ecs/cluster:Cluster':
    case 'aws:ecs/service:Service':
      id = arn;
      break;
    case 'aws:ecs/taskDefinition:TaskDefinition':
      Object.assign(state, { revision: 1, arnWithoutRevision: arn });
      state['arn'] = `${arn}:1`;
      break;
    case 'aws:wafv2/webAcl:WebAcl':
      id = hex(physical, 36);
      Object.assign(state, { arn: `arn:aws:wafv2:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:regional/webacl/${physical}/${id}` });
      break;
    case 'aws:autoscaling/group:Group':
      Object.assign(state, { name: physical });
      break;
    case 'aws:ec2/launchTemplate:LaunchTemplate':
      Object.assign(state, { latestVersion: 1, defaultVersion: 1 });
      break;
    case 'aws:iam/openIdConnectProvider:OpenIdConnectProvider': {
      // The provider's ARN names its issuer host, not a resource name.
      const host = String(inputs['url'] ?? physical).replace(/^https:\/\//, '');
      Object.assign(state, { arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${host}` });
      break;
    }
    case 'aws:acm/certificate:Certificate': {
      // ACM's DNS validation record per name (the real value is a random token under the name).
      const names = [inputs['domainName'], ...((inputs['subjectAlternativeNames'] as unknown[] | undefined) ?? [])].map(String);
      id = `arn:aws:acm:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:certificate/${hex(`${type}/${name}`, 8)}-0000-4000-8000-${hex(`${type}/${name}/c`, 12)}`;
      Object.assign(state, {
        arn: id,
        domainValidationOptions: names.map((d) => ({ domainName: d, resourceRecordName: `_${hex(d, 32)}.${d}.`, resourceRecordType: 'CNAME', resourceRecordValue: `_${hex(`${d}/v`, 32)}.acm-validations.aws.` })),
      });
      break;
    }
    case 'aws:route53/record:Record':
      id = `${String(inputs['zoneId'])}_${String(inputs['name'])}_${String(inputs['type'])}`;
      Object.assign(state, { fqdn: String(inputs['name']).replace(/\.$/, '') });
      break;
    case 'aws:apigatewayv2/domainName:DomainName': {
      const config = (inputs['domainNameConfiguration'] ?? {}) as Record<string, unknown>;
      Object.assign(state, { domainNameConfiguration: { ...config, targetDomainName: `d-${hex(physical, 10)}.execute-api.${MOCK_REGION}.amazonaws.com`, hostedZoneId: 'Z1U9ULNL0V5AJ3' } });
      break;
    }
    case 'aws:cloudwatch/metricAlarm:MetricAlarm':
    case 'aws:cloudwatch/compositeAlarm:CompositeAlarm': {
      // Both kinds of alarm ARN read `alarm:<name>`; a composite's name is its alarmName input.
      const alarm = typeof inputs['alarmName'] === 'string' ? inputs['alarmName'] : physical;
      id = alarm;
      Object.assign(state, { arn: `arn:aws:cloudwatch:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:alarm:${alarm}` });
      break;
    }
    default:
      break;
  }
  state['id'] = id;
  return { id, state };
}
