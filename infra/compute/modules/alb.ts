import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { LOGS_BUCKET_PREFIXES, SERVICES, getResourceName, getTags, type ServiceName, type TradaiConfig } from '@tradai/infra-shared';
import {
  ALB_SERVICE_NAMES,
  HTTPS_SSL_POLICY,
  NOT_FOUND_ACTION,
  listenerRulePlan,
  targetGroupHealthCheck,
  targetGroupName,
  targetTypeFor,
} from './alb.logic.js';

export interface AlbArgs {
  readonly cfg: TradaiConfig;
  readonly vpcId: pulumi.Input<string>;
  readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroupId: pulumi.Input<string>;
  /**
   * The logs bucket (persistent). Its bucket policy, owned by the persistent stack, lets the
   * regional ELB account write under LOGS_BUCKET_PREFIXES.alb; without it AWS refuses to enable
   * access logs and this load balancer fails to create.
   */
  readonly logsBucketId: pulumi.Input<string>;
}

/**
 * The Application Load Balancer (seed alb.py): one target group per ALB service, listener rules
 * from ALB_PATH_PATTERNS, access logs, invalid headers dropped, deletion protection in prod.
 *
 * Placed in the public subnets but with the internal scheme: its only client is the API Gateway
 * VPC Link (edge), so every route passes the JWT authorizer and WAF, and no service is reachable
 * from the internet around them (seed section 7: "no public ALB needed").
 *
 * With tradai:certificateArn: HTTPS listener with the rules, HTTP redirects to it. Without a
 * certificate there is no HTTPS listener and the rules sit on the HTTP listener (plain HTTP inside
 * the VPC, between the VPC Link and the ALB only): set a certificate for TLS end to end.
 */
export class Alb extends pulumi.ComponentResource {
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly httpListener: aws.lb.Listener;
  readonly httpsListener?: aws.lb.Listener;
  readonly targetGroups: Readonly<Partial<Record<ServiceName, aws.lb.TargetGroup>>>;
  /** Listener rules: ECS services attached to a target group must wait for them. */
  readonly rules: aws.lb.ListenerRule[] = [];

  constructor(name: string, args: AlbArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:compute:Alb', name, {}, opts);
    const { cfg } = args;
    const env = cfg.environment;
    const tags = getTags(env);
    const parent = { parent: this };

    this.loadBalancer = new aws.lb.LoadBalancer(
      `${name}-lb`,
      {
        name: getResourceName('alb', env),
        loadBalancerType: 'application',
        internal: true,
        subnets: args.publicSubnetIds,
        securityGroups: [args.securityGroupId],
        dropInvalidHeaderFields: true,
        enableDeletionProtection: env === 'prod',
        idleTimeout: 60,
        accessLogs: { bucket: args.logsBucketId, prefix: LOGS_BUCKET_PREFIXES.alb, enabled: true },
        tags,
      },
      parent,
    );

    const targetGroups: Partial<Record<ServiceName, aws.lb.TargetGroup>> = {};
    for (const service of ALB_SERVICE_NAMES) {
      targetGroups[service] = new aws.lb.TargetGroup(
        `${name}-tg-${service}`,
        {
          name: targetGroupName(service, env),
          port: SERVICES[service].port,
          protocol: 'HTTP',
          targetType: targetTypeFor(service, cfg),
          vpcId: args.vpcId,
          healthCheck: targetGroupHealthCheck(service),
          deregistrationDelay: 30,
          tags: getTags(env, service),
        },
        // The name is fixed, and switching consolidated <-> Fargate changes the target type, which
        // replaces the group: delete first, or the new group's name is still taken.
        { ...parent, deleteBeforeReplace: true },
      );
    }
    this.targetGroups = targetGroups;

    let ruleListener: aws.lb.Listener;
    if (cfg.certificateArn) {
      this.httpsListener = new aws.lb.Listener(
        `${name}-https`,
        {
          loadBalancerArn: this.loadBalancer.arn,
          port: 443,
          protocol: 'HTTPS',
          sslPolicy: HTTPS_SSL_POLICY,
          certificateArn: cfg.certificateArn,
          defaultActions: [NOT_FOUND_ACTION],
          tags,
        },
        parent,
      );
      this.httpListener = new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: this.loadBalancer.arn,
          port: 80,
          protocol: 'HTTP',
          defaultActions: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
          tags,
        },
        parent,
      );
      ruleListener = this.httpsListener;
    } else {
      // No certificate configured: HTTP only, forwarding by the rules below (see the class comment).
      this.httpListener = new aws.lb.Listener(
        `${name}-http`,
        { loadBalancerArn: this.loadBalancer.arn, port: 80, protocol: 'HTTP', defaultActions: [NOT_FOUND_ACTION], tags },
        parent,
      );
      ruleListener = this.httpListener;
    }

    for (const rule of listenerRulePlan()) {
      this.rules.push(
        new aws.lb.ListenerRule(
          `${name}-rule-${rule.key}`,
          {
            listenerArn: ruleListener.arn,
            priority: rule.priority,
            conditions: [{ pathPattern: { values: [...rule.paths] } }],
            actions: [{ type: 'forward', targetGroupArn: targetGroups[rule.service]!.arn }],
            tags: getTags(env, rule.service),
          },
          parent,
        ),
      );
    }

    this.registerOutputs({});
  }
}
