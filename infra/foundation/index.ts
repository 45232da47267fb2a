import { isConsolidatedMode } from '@tradai/infra-shared';
import { defineOutputs, stackConfig } from '@tradai/infra-shared/pulumi';
import { NetworkAcls } from './modules/nacl.js';
import { NatInstance } from './modules/nat_instance.js';
import { Rds } from './modules/rds.js';
import { SecretRotation } from './modules/secret_rotation.js';
import { SecurityGroups } from './modules/security_groups.js';
import { Topics } from './modules/sns.js';
import { BacktestQueue } from './modules/sqs.js';
import { Vpc } from './modules/vpc.js';
import { VpcEndpoints } from './modules/vpc_endpoints.js';
import { VpcFlowLogs } from './modules/vpc_flow_logs.js';

/**
 * tradai-foundation: networking and VPC-bound data (seed section 5): VPC, subnets, security
 * groups, NACLs, NAT instance, endpoints, flow logs, RDS with credential rotation, SQS, SNS.
 * It reads nothing from persistent (the Nx graph still deploys persistent first).
 */
export default function main() {
  const cfg = stackConfig();

  const network = new Vpc('vpc', { cfg });
  const privateCidrs = network.cidrs('private');
  const sgs = new SecurityGroups('sg', { cfg, vpcId: network.vpc.id, privateCidrs });

  new NetworkAcls('nacl', {
    cfg,
    vpcId: network.vpc.id,
    vpcCidr: network.cidrBlock,
    privateCidrs,
    subnetIds: {
      public: network.subnets.public.map((s) => s.id),
      private: network.subnets.private.map((s) => s.id),
      database: network.subnets.database.map((s) => s.id),
    },
  });

  const nat = new NatInstance('nat', {
    cfg,
    subnetId: network.subnets.public[0]!.id,
    securityGroupId: sgs.groups.nat.id,
    vpcCidr: network.cidrBlock,
  });
  network.routePrivateTrafficVia(nat.networkInterfaceId);

  new VpcEndpoints('vpce', {
    cfg,
    vpcId: network.vpc.id,
    routeTableIds: network.endpointRouteTableIds,
    privateSubnetIds: network.subnets.private.map((s) => s.id),
    securityGroupId: sgs.groups['vpc-endpoint'].id,
  });

  new VpcFlowLogs('flow-logs', { cfg, vpcId: network.vpc.id });

  const topics = new Topics('sns', { cfg });
  const queue = new BacktestQueue('backtest', { cfg });

  const db = new Rds('mlflow-db', { cfg, subnetIds: network.subnetIds('database'), securityGroupId: sgs.groups.rds.id });
  new SecretRotation('rds-secret-rotation', {
    cfg,
    secretArn: db.secretArn,
    dbIdentifier: db.identifier,
    alertsTopicArn: topics.alerts.arn,
  });

  return defineOutputs('foundation', {
    vpc_id: network.vpc.id,
    public_subnet_ids: network.subnetIds('public'),
    private_subnet_ids: network.subnetIds('private'),
    database_subnet_ids: network.subnetIds('database'),
    alb_security_group_id: sgs.groups.alb.id,
    ecs_security_group_id: sgs.groups.ecs.id,
    lambda_security_group_id: sgs.groups.lambda.id,
    rds_security_group_id: sgs.groups.rds.id,
    nat_security_group_id: sgs.groups.nat.id,
    vpc_endpoint_security_group_id: sgs.groups['vpc-endpoint'].id,
    consolidated_security_group_id: isConsolidatedMode(cfg) ? sgs.groups.consolidated!.id : undefined,
    rds_endpoint: db.instance.endpoint,
    rds_secret_arn: db.secretArn,
    rds_database_name: db.databaseName,
    rds_instance_identifier: db.instance.identifier,
    backtest_queue_url: queue.queue.url,
    backtest_queue_arn: queue.queue.arn,
    backtest_dlq_arn: queue.dlq.arn,
    sns_alerts_topic_arn: topics.alerts.arn,
    sns_registration_topic_arn: topics.registration.arn,
  });
}
