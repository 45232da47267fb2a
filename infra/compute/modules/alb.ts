import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { LOGS_BUCKET_PREFIXES, SERVICES, getResourceName, getTags, type ServiceName, type TradaiConfig } from '@tradai/infra-shared';
import {
  ALB_SERVICE_NAMES,
  HTTPS_SSL_POLICY,
  HTTP_TO_HTTPS_REDIRECT,
  NOT_FOUND_ACTION,
  certificateValidationRecord,
  listenerRulePlan,
  targetGroupHealthCheck,
  targetGroupName,
  targetTypeFor,
} from './alb.logic.js';

export interface AlbArgs {
  readonly cfg: TradaiConfig;
  readonly vpcId: pulumi.Input<string>;
  /** Foundation's private subnets: the ALB is internal and its only client is the VPC Link there. */
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The certificate of the HTTPS listener: DnsValidatedCertificate's (tradai:apiDomain) or
   * tradai:certificateArn. Absent: HTTP only (see tlsPlan for when that is allowed).
   */
  readonly certificateArn?: pulumi.Input<string>;
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
 * Internal, in the private subnets (seed: ALB in private subnets): its only client is the API
 * Gateway VPC Link (edge), so every route passes the JWT authorizer and WAF, and no service is
 * reachable from the internet around them (seed section 7: "no public ALB needed").
 *
 * With tradai:apiDomain the stack makes an ACM certificate for that name, validates it by DNS in
 * the hosted zone and serves it on the HTTPS listener (the VPC Link verifies that name); with
 * tradai:certificateArn it serves a hand-made one. Either way HTTP redirects to HTTPS. Without a
 * certificate the rules sit on the HTTP listener (plain HTTP inside the VPC, between the VPC Link
 * and the ALB only), which prod refuses unless tradai:allowNoTls says so (tlsPlan).
 */
export interface DnsValidatedCertificateArgs {
  readonly cfg: TradaiConfig;
  readonly domainName: string;
  /** Route 53 public hosted zone of domainName (or a parent): the validation record goes there. */
  readonly hostedZoneId: string;
}

/**
 * An ACM certificate for tradai:apiDomain, validated by DNS in the configured hosted zone. The ALB's
 * HTTPS listener serves it (the VPC Link verifies that name) and edge's API custom domain uses it.
 * `certificateArn` resolves only once ACM has issued it, so nothing serves an unvalidated one.
 */
export class DnsValidatedCertificate extends pulumi.ComponentResource {
  readonly certificate: aws.acm.Certificate;
  readonly validationRecord: aws.route53.Record;
  readonly certificateArn: pulumi.Output<string>;

  constructor(name: string, args: DnsValidatedCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:compute:DnsValidatedCertificate', name, {}, opts);
    const tags = getTags(args.cfg.environment);
    const parent = { parent: this };
    // Pulumi's default create-before-delete: a renamed domain gets its new certificate issued and
    // on the listener before the old one goes.
    this.certificate = new aws.acm.Certificate(`${name}-certificate`, { domainName: args.domainName, validationMethod: 'DNS', tags }, parent);
    // One name, so exactly one validation record; its name and value are known only after the request.
    const record = this.certificate.domainValidationOptions.apply((options) => certificateValidationRecord(options, args.domainName));
    this.validationRecord = new aws.route53.Record(
      `${name}-validation`,
      {
        zoneId: args.hostedZoneId,
        name: record.name,
        type: record.type,
        records: [record.value],
        ttl: 300,
        // ACM gives every certificate for a name the same record: a re-made certificate reuses it.
        allowOverwrite: true,
      },
      parent,
    );
    const validation = new aws.acm.CertificateValidation(
      `${name}-issued`,
      { certificateArn: this.certificate.arn, validationRecordFqdns: [this.validationRecord.fqdn] },
      parent,
    );
    this.certificateArn = validation.certificateArn;
    this.registerOutputs({ certificateArn: this.certificateArn });
  }
}

export class Alb extends pulumi.ComponentResource {
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly httpListener: aws.lb.Listener;
  readonly httpsListener?: aws.lb.Listener;
  /** The certificate the HTTPS listener serves (issued: the managed one waits for its validation). */
  readonly certificateArn?: pulumi.Output<string>;
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
        subnets: args.privateSubnetIds,
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
    this.certificateArn = args.certificateArn === undefined ? undefined : pulumi.output(args.certificateArn);
    if (this.certificateArn) {
      this.httpsListener = new aws.lb.Listener(
        `${name}-https`,
        {
          loadBalancerArn: this.loadBalancer.arn,
          port: 443,
          protocol: 'HTTPS',
          sslPolicy: HTTPS_SSL_POLICY,
          certificateArn: this.certificateArn,
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
          defaultActions: [HTTP_TO_HTTPS_REDIRECT],
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
