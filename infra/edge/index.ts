import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { STALE_HEARTBEAT_METRIC } from '@tradai/contracts';
import { isSkipAlb, tlsPlan, tlsWaiverWarning } from '@tradai/infra-shared';
import { defineOutputs, stackConfig, upstream } from '@tradai/infra-shared/pulumi';
import { ApiGateway, type ApiCustomDomain } from './modules/api_gateway.js';
import { CloudwatchAlarms } from './modules/cloudwatch_alarms.js';
import { stateMachineArn } from './modules/cloudwatch_alarms.logic.js';
import { CloudwatchDashboard } from './modules/cloudwatch_dashboard.js';
import { Waf } from './modules/waf.js';
import { clientIpRequestParameters } from './modules/waf.logic.js';

/**
 * tradai-edge: API Gateway, WAF, CloudWatch alarms and dashboard (seed section 7). Reads
 * persistent (Cognito), foundation (network, queue, topic, RDS) and compute (ALB, functions,
 * workflows, ECS).
 */
export default function main() {
  const cfg = stackConfig();
  // First: prod without TLS stops here, in preview as in up, before anything is planned.
  const tls = tlsPlan(cfg, 'edge');
  if (tls.kind === 'none' && tls.waived) pulumi.log.warn(tlsWaiverWarning(cfg.environment));
  const persistent = upstream('persistent', cfg);
  const foundation = upstream('foundation', cfg);
  const compute = upstream('compute', cfg);
  const skipAlb = isSkipAlb(cfg);
  if (skipAlb) {
    pulumi.log.warn('tradai:skipAlb is true: the API serves only POST /api/v1/backtests (to SQS); the 20 service routes and the WAF association need the ALB');
  }

  let customDomain: ApiCustomDomain | undefined;
  if (tls.kind === 'managed') {
    const certificateArn = compute.get('api_certificate_arn').apply((arn) => {
      if (!arn) throw new Error(`tradai:apiDomain is ${tls.domainName} here but tradai-compute exports no api_certificate_arn: set the same tradai:apiDomain in the compute stack and deploy it first`);
      return String(arn);
    });
    customDomain = { domainName: tls.domainName, certificateArn, hostedZoneId: tls.hostedZoneId };
  } else if (tls.kind === 'imported' && tls.domainName && tls.certificateArn) {
    customDomain = { domainName: tls.domainName, certificateArn: tls.certificateArn };
  }

  const api = new ApiGateway('api', {
    cfg,
    privateSubnetIds: foundation.require('private_subnet_ids'),
    // The VPC Link ENIs are the ALB's clients, so they carry the ALB's group: foundation gives it
    // ingress on 80/443 and egress to itself on 80/443 for exactly this. The ECS group would be
    // wrong (the ALB never admits it and its egress does not reach 80/443 on the ALB), and a
    // group of edge's own would need an ingress rule on foundation's ALB group.
    vpcLinkSecurityGroupIds: [foundation.require('alb_security_group_id')],
    albListeners: skipAlb ? undefined : { https: compute.get('alb_https_listener_arn'), http: compute.get('alb_http_listener_arn') },
    cognitoUserPoolEndpoint: persistent.require('cognito_user_pool_endpoint'),
    cognitoClientIds: [persistent.require('cognito_user_pool_client_id'), persistent.require('cognito_m2m_client_id')],
    backtestQueueUrl: foundation.require('backtest_queue_url'),
    backtestQueueArn: foundation.require('backtest_queue_arn'),
    customDomain,
    // The WAF on the ALB keys its rate and geo rules on this header (waf.logic.ts).
    albRequestParameters: clientIpRequestParameters(),
  });

  const waf = new Waf('waf', {
    cfg,
    albArn: skipAlb
      ? undefined
      : compute.get('alb_arn').apply((arn) => {
          if (!arn) throw new Error('tradai-compute exports no alb_arn: deploy compute with its ALB, or set tradai:skipAlb true in the edge stack');
          return arn;
        }),
  });

  const region = aws.getRegionOutput().region;
  const identity = aws.getCallerIdentityOutput();
  const partition = aws.getPartitionOutput().partition;
  const retrainingArn = pulumi
    .all([partition, region, identity.accountId, compute.require('retraining_workflow_name')])
    .apply(([p, r, account, name]) => stateMachineArn(p, r, account, name));

  const alarms = new CloudwatchAlarms('alarms', {
    cfg,
    alertsTopicArn: foundation.require('sns_alerts_topic_arn'),
    rdsInstanceIdentifier: foundation.require('rds_instance_identifier'),
    lambdaFunctionArns: compute.require('lambda_function_arns'),
    backtestStateMachineArn: compute.require('backtest_workflow_arn'),
    retrainingStateMachineArn: retrainingArn,
    apiId: api.api.id,
    heartbeat: STALE_HEARTBEAT_METRIC,
  });

  const dashboard = new CloudwatchDashboard('dashboard', {
    cfg,
    region,
    ecsClusterArn: compute.require('ecs_cluster_arn'),
    ecsServiceArns: compute.require('ecs_service_arns'),
    consolidatedAsgName: compute.get('consolidated_asg_name'),
    lambdaFunctionArns: compute.require('lambda_function_arns'),
    rdsInstanceIdentifier: foundation.require('rds_instance_identifier'),
    apiId: api.api.id,
    backtestStateMachineArn: compute.require('backtest_workflow_arn'),
    retrainingStateMachineArn: retrainingArn,
    alarmArns: [alarms.composite.arn, ...alarms.alarms.map((a) => a.arn)],
  });

  return defineOutputs('edge', {
    api_gateway_endpoint: api.endpoint,
    api_gateway_id: api.api.id,
    waf_web_acl_id: waf.webAcl.id,
    waf_web_acl_arn: waf.webAcl.arn,
    composite_alarm_arn: alarms.composite.arn,
    lambda_error_alarm_arns: alarms.lambdaErrorAlarmArns,
    dashboard_url: dashboard.url,
  });
}
