/**
 * On-demand list prices in USD for eu-central-1 (Frankfurt), the region every stack deploys to.
 *
 * Compiled from the public AWS pricing pages named beside each figure, as those pages read in
 * mid-2025 (PRICES_AS_OF); no account-level free tier or discount is applied. Figures marked
 * "uncertain" were not re-checked against the page for Frankfurt and may be off by ~10 %;
 * Fargate Spot floats with capacity. Re-check before budgeting: `PRICES_AS_OF` dates the table.
 */
export const PRICES_AS_OF = '2025-06';
export const PRICE_REGION = 'eu-central-1';
/** AWS bills a month as 730 hours. */
export const HOURS_PER_MONTH = 730;
export const MINUTES_PER_MONTH = HOURS_PER_MONTH * 60;
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

export interface Price {
  readonly usd: number;
  readonly unit: string;
  /** Pricing page the figure comes from. */
  readonly source: string;
  readonly note?: string;
}

const p = (usd: number, unit: string, source: string, note?: string): Price => ({ usd, unit, source, ...(note ? { note } : {}) });

const EC2 = 'https://aws.amazon.com/ec2/pricing/on-demand/ (Linux, eu-central-1, 2025-06)';
const EBS = 'https://aws.amazon.com/ebs/pricing/ (eu-central-1, 2025-06)';
const VPC = 'https://aws.amazon.com/vpc/pricing/ (eu-central-1, 2025-06)';
const FARGATE = 'https://aws.amazon.com/fargate/pricing/ (Linux/x86, eu-central-1, 2025-06)';
const RDS = 'https://aws.amazon.com/rds/postgresql/pricing/ (eu-central-1, 2025-06)';
const ELB = 'https://aws.amazon.com/elasticloadbalancing/pricing/ (eu-central-1, 2025-06)';
const PRIVATELINK = 'https://aws.amazon.com/privatelink/pricing/ (eu-central-1, 2025-06)';
const CW = 'https://aws.amazon.com/cloudwatch/pricing/ (eu-central-1, 2025-06)';
const WAF = 'https://aws.amazon.com/waf/pricing/ (2025-06, same in every region)';
const SM = 'https://aws.amazon.com/secrets-manager/pricing/ (2025-06)';
const KMS = 'https://aws.amazon.com/kms/pricing/ (2025-06)';
const APIGW = 'https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs, eu-central-1, 2025-06)';
const SFN = 'https://aws.amazon.com/step-functions/pricing/ (Standard workflows, eu-central-1, 2025-06)';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/ (eu-central-1, 2025-06)';
const S3 = 'https://aws.amazon.com/s3/pricing/ (S3 Standard, eu-central-1, 2025-06)';
const DDB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (eu-central-1, after the 2024-11 on-demand price cut, 2025-06)';
const ECR = 'https://aws.amazon.com/ecr/pricing/ (2025-06)';
const COGNITO = 'https://aws.amazon.com/cognito/pricing/ (Essentials tier, 2025-06)';
const SQS = 'https://aws.amazon.com/sqs/pricing/ (standard queues, 2025-06)';
const SNS = 'https://aws.amazon.com/sns/pricing/ (2025-06)';
const ROUTE53 = 'https://aws.amazon.com/route53/pricing/ and https://aws.amazon.com/cloud-map/pricing/ (2025-06)';
const CODEARTIFACT = 'https://aws.amazon.com/codeartifact/pricing/ (2025-06)';
const CLOUDTRAIL = 'https://aws.amazon.com/cloudtrail/pricing/ (2025-06)';

/** EC2 on-demand, per instance-hour. */
export const EC2_HOURLY: Readonly<Record<string, Price>> = {
  't4g.nano': p(0.0048, 'instance-hour', EC2),
  't4g.micro': p(0.0096, 'instance-hour', EC2),
  't4g.small': p(0.0192, 'instance-hour', EC2),
  't4g.medium': p(0.0384, 'instance-hour', EC2),
  't3.nano': p(0.006, 'instance-hour', EC2),
  't3.micro': p(0.012, 'instance-hour', EC2),
  't3.small': p(0.024, 'instance-hour', EC2),
  't3.medium': p(0.048, 'instance-hour', EC2),
  't3.large': p(0.096, 'instance-hour', EC2),
};

/** RDS for PostgreSQL, Single-AZ, per instance-hour (Multi-AZ runs a standby: twice the price). */
export const RDS_HOURLY: Readonly<Record<string, Price>> = {
  'db.t4g.micro': p(0.019, 'instance-hour', RDS, 'uncertain: us-east-1 is $0.016'),
  'db.t4g.small': p(0.037, 'instance-hour', RDS, 'uncertain: us-east-1 is $0.032'),
  'db.t4g.medium': p(0.074, 'instance-hour', RDS, 'uncertain: us-east-1 is $0.065'),
  'db.t3.micro': p(0.021, 'instance-hour', RDS, 'uncertain'),
  'db.t3.small': p(0.042, 'instance-hour', RDS, 'uncertain'),
};

export const PRICES = {
  ebsGp3: p(0.0952, 'GB-month', EBS),
  ebsGp2: p(0.119, 'GB-month', EBS),
  /** Every public IPv4 address (Elastic IP or auto-assigned), attached or not, since 2024-02. */
  publicIpv4: p(0.005, 'address-hour', VPC),
  fargateVcpu: p(0.04656, 'vCPU-hour', FARGATE),
  fargateMemory: p(0.00511, 'GB-hour', FARGATE),
  fargateSpotVcpu: p(0.01433, 'vCPU-hour', FARGATE, 'Spot floats with capacity; ~70 % below on-demand'),
  fargateSpotMemory: p(0.00157, 'GB-hour', FARGATE, 'Spot floats with capacity; ~70 % below on-demand'),
  rdsGp3Storage: p(0.137, 'GB-month', RDS, 'Multi-AZ stores twice'),
  albHour: p(0.027, 'ALB-hour', ELB),
  albLcu: p(0.008, 'LCU-hour', ELB),
  natGatewayHour: p(0.052, 'gateway-hour', VPC),
  natGatewayData: p(0.052, 'GB processed', VPC),
  interfaceEndpointHour: p(0.012, 'endpoint-AZ-hour', PRIVATELINK),
  interfaceEndpointData: p(0.01, 'GB processed', PRIVATELINK),
  /** Across AZs, or between EC2 and a public IPv4 address in the same region: charged on both sides. */
  regionalDataTransfer: p(0.01, 'GB, in each direction', 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer_within_the_same_AWS_Region (2025-06)'),
  alarmStandard: p(0.1, 'alarm metric-month', CW),
  alarmHighResolution: p(0.3, 'alarm metric-month', CW),
  alarmComposite: p(0.5, 'composite alarm-month', CW),
  dashboard: p(3.0, 'dashboard-month', CW, 'the first three per account are free; not applied'),
  customMetric: p(0.3, 'metric-month', CW),
  logsIngest: p(0.63, 'GB ingested', CW),
  logsStorage: p(0.0324, 'GB-month stored (compressed)', CW),
  wafWebAcl: p(5.0, 'web ACL-month', WAF),
  wafRule: p(1.0, 'rule or rule group-month', WAF),
  wafRequests: p(0.6, 'million requests', WAF),
  secret: p(0.4, 'secret-month', SM),
  secretApiCalls: p(0.05, '10,000 API calls', SM),
  kmsKey: p(1.0, 'key-month', KMS),
  kmsRequests: p(0.03, '10,000 requests', KMS),
  httpApiRequests: p(1.2, 'million requests', APIGW, 'uncertain: us-east-1 is $1.00'),
  sfnTransitions: p(0.025, '1,000 state transitions', SFN),
  lambdaGbSecondX86: p(0.0000166667, 'GB-second', LAMBDA),
  lambdaGbSecondArm: p(0.0000133334, 'GB-second', LAMBDA),
  lambdaRequests: p(0.2, 'million requests', LAMBDA),
  s3Storage: p(0.0245, 'GB-month', S3),
  s3Put: p(0.0054, '1,000 PUT/COPY/POST/LIST', S3),
  s3Get: p(0.00043, '1,000 GET/SELECT', S3),
  dynamoWrite: p(0.7625, 'million write request units', DDB, 'uncertain'),
  dynamoRead: p(0.1525, 'million read request units', DDB, 'uncertain'),
  dynamoStorage: p(0.306, 'GB-month', DDB),
  dynamoPitr: p(0.2448, 'GB-month', DDB, 'uncertain'),
  ecrStorage: p(0.1, 'GB-month', ECR),
  cognitoMau: p(0.015, 'MAU above 10,000', COGNITO, 'first 10,000 MAUs free on Essentials'),
  cognitoM2mTokens: p(2.25, '1,000 M2M token requests', COGNITO, 'uncertain'),
  cognitoM2mClient: p(6.0, 'M2M app client-month', COGNITO, 'each app client with the client-credentials grant, since 2024-11'),
  sqsRequests: p(0.4, 'million requests', SQS, 'first million per account free; not applied'),
  snsPublishes: p(0.5, 'million publishes', SNS),
  hostedZone: p(0.5, 'hosted zone-month', ROUTE53),
  cloudMapInstance: p(0.1, 'registered instance-month', ROUTE53),
  codeartifactStorage: p(0.05, 'GB-month', CODEARTIFACT),
  codeartifactRequests: p(0.05, '10,000 requests', CODEARTIFACT),
  cloudtrailManagement: p(0, 'first copy of management events', CLOUDTRAIL),
} as const satisfies Record<string, Price>;

/** A price the table does not have (an instance class, say): the message lists what it has. */
export class UnknownPriceError extends Error {
  constructor(kind: string, key: string, known: readonly string[]) {
    super(`no ${kind} price for "${key}" in the ${PRICE_REGION} table (libs/cost/src/prices.ts); known: ${known.join(', ')}`);
    this.name = 'UnknownPriceError';
  }
}

/** Hourly price of an EC2 instance type. */
export function ec2Hourly(instanceType: string): number {
  const price = EC2_HOURLY[instanceType];
  if (!price) throw new UnknownPriceError('EC2', instanceType, Object.keys(EC2_HOURLY));
  return price.usd;
}

/** Hourly Single-AZ price of an RDS instance class. */
export function rdsHourly(instanceClass: string): number {
  const price = RDS_HOURLY[instanceClass];
  if (!price) throw new UnknownPriceError('RDS', instanceClass, Object.keys(RDS_HOURLY));
  return price.usd;
}
