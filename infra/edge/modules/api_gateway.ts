import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { getResourceName, getTags, type RouteTarget, type TradaiConfig } from '@tradai/infra-shared';
import { policyJson } from '@tradai/infra-shared/pulumi';
import {
  ACCESS_LOG_FORMAT,
  SQS_BACKTEST_TARGET,
  albTargets,
  assertRoutesReachTargets,
  chooseListener,
  corsConfiguration,
  jwtIssuer,
  planRoutes,
  routeSlug,
  apiGatewayTrustPolicy,
  sqsSendMessageParameters,
  sqsSendPolicy,
  stageThrottling,
} from './api_gateway.logic.js';

/** Compute's ALB listener outputs; either may be absent (no certificate: no HTTPS listener). */
export interface AlbListeners {
  readonly https: pulumi.Input<string | undefined>;
  readonly http: pulumi.Input<string | undefined>;
}

export interface ApiGatewayArgs {
  readonly cfg: TradaiConfig;
  /** Foundation's private subnets: where the VPC Link places its ENIs. */
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security groups of the VPC Link ENIs (see index.ts for the choice). */
  readonly vpcLinkSecurityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Undefined when tradai:skipAlb: then only the SQS-backed route is created. */
  readonly albListeners?: AlbListeners;
  /** Persistent's `cognito_user_pool_endpoint` (`cognito-idp.<region>.amazonaws.com/<pool id>`). */
  readonly cognitoUserPoolEndpoint: pulumi.Input<string>;
  /** Accepted token audiences: the web client and the M2M client ids. */
  readonly cognitoClientIds: pulumi.Input<string>[];
  readonly backtestQueueUrl: pulumi.Input<string>;
  readonly backtestQueueArn: pulumi.Input<string>;
  /**
   * The API's custom domain (from tlsPlan): its name is also the one the VPC Link verifies on the
   * ALB certificate. With a hosted zone (tradai:apiDomain) the alias record is made there too.
   */
  readonly customDomain?: ApiCustomDomain;
  /** Request parameters every VPC Link integration applies (the WAF's client-address header). */
  readonly albRequestParameters?: Readonly<Record<string, string>>;
}

export interface ApiCustomDomain {
  readonly domainName: string;
  readonly certificateArn: pulumi.Input<string>;
  /** Route 53 zone for the alias record; absent for a hand-made domain whose DNS lives elsewhere. */
  readonly hostedZoneId?: string;
}

/**
 * The HTTP API: Cognito JWT authorizer, the API_ROUTES routes (service routes through a VPC Link
 * to the ALB listener, POST /api/v1/backtests straight to SQS), a `$default` auto-deployed stage
 * with throttling and JSON access logs, CORS and an optional custom domain from config.
 */
export class ApiGateway extends pulumi.ComponentResource {
  readonly api: aws.apigatewayv2.Api;
  readonly stage: aws.apigatewayv2.Stage;
  readonly routes: Record<string, aws.apigatewayv2.Route>;
  readonly integrations: Partial<Record<RouteTarget, aws.apigatewayv2.Integration>>;
  readonly sqsRole: aws.iam.Role;
  /** `https://<id>.execute-api.<region>.amazonaws.com` */
  readonly endpoint: pulumi.Output<string>;
  /** `https://<custom domain>` when one is configured. */
  readonly customDomainUrl?: string;

  constructor(name: string, args: ApiGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:edge:ApiGateway', name, {}, opts);
    const { cfg } = args;
    const env = cfg.environment;
    const apiName = getResourceName('api', env);
    const tags = getTags(env);
    const parent = { parent: this };

    const plans = planRoutes(undefined, args.albListeners !== undefined);
    if (args.albListeners) assertRoutesReachTargets();

    const cors = corsConfiguration(cfg.corsAllowedOrigins);
    this.api = new aws.apigatewayv2.Api(
      `${name}-api`,
      {
        name: apiName,
        protocolType: 'HTTP',
        description: `TradAI ${env} API`,
        ...(cors ? { corsConfiguration: cors } : {}),
        tags,
      },
      parent,
    );

    const authorizer = new aws.apigatewayv2.Authorizer(
      `${name}-cognito`,
      {
        apiId: this.api.id,
        name: getResourceName('cognito-jwt', env),
        authorizerType: 'JWT',
        identitySources: ['$request.header.Authorization'],
        jwtConfiguration: {
          issuer: pulumi.output(args.cognitoUserPoolEndpoint).apply(jwtIssuer),
          // Access tokens from client credentials carry client_id instead of aud; API Gateway checks either.
          audiences: args.cognitoClientIds,
        },
      },
      parent,
    );

    this.integrations = {};
    const listeners = args.albListeners;
    if (listeners) {
      const vpcLink = new aws.apigatewayv2.VpcLink(
        `${name}-vpc-link`,
        { name: getResourceName('vpc-link', env), subnetIds: args.privateSubnetIds, securityGroupIds: args.vpcLinkSecurityGroupIds, tags },
        parent,
      );
      const listener = pulumi.all([listeners.https, listeners.http]).apply(([https, http]) => chooseListener({ https, http }, args.customDomain?.domainName));
      // One integration per service: the listener rules pick the service by path (checked above),
      // and per-service integrations keep each route's target visible in the console and logs.
      for (const service of albTargets(plans)) {
        this.integrations[service] = new aws.apigatewayv2.Integration(
          `${name}-${service}`,
          {
            apiId: this.api.id,
            description: `${service} through the VPC Link and the ALB listener`,
            integrationType: 'HTTP_PROXY',
            integrationMethod: 'ANY',
            connectionType: 'VPC_LINK',
            connectionId: vpcLink.id,
            integrationUri: listener.listenerArn,
            tlsConfig: listener.apply((l) => (l.serverNameToVerify ? { serverNameToVerify: l.serverNameToVerify } : undefined)),
            ...(args.albRequestParameters ? { requestParameters: { ...args.albRequestParameters } } : {}),
            // HTTP_PROXY integrations of HTTP APIs only take payload format 1.0.
            payloadFormatVersion: '1.0',
            timeoutMilliseconds: 30_000,
          },
          parent,
        );
      }
    }

    this.sqsRole = new aws.iam.Role(
      `${name}-sqs-role`,
      {
        name: getResourceName('api-sqs-send', env),
        description: 'API Gateway sends POST /api/v1/backtests bodies to the backtest queue',
        assumeRolePolicy: JSON.stringify(apiGatewayTrustPolicy()),
        tags,
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-sqs-send`,
      { role: this.sqsRole.id, name: 'sqs-send-backtest', policy: policyJson({ queueArn: args.backtestQueueArn }, (r) => sqsSendPolicy(r.queueArn)) },
      parent,
    );
    this.integrations[SQS_BACKTEST_TARGET] = new aws.apigatewayv2.Integration(
      `${name}-sqs-backtest`,
      {
        apiId: this.api.id,
        description: 'POST /api/v1/backtests straight to the backtest queue (no compute in the path)',
        integrationType: 'AWS_PROXY',
        integrationSubtype: 'SQS-SendMessage',
        credentialsArn: this.sqsRole.arn,
        requestParameters: sqsSendMessageParameters(args.backtestQueueUrl),
        payloadFormatVersion: '1.0',
      },
      parent,
    );

    this.routes = {};
    for (const plan of plans) {
      const integration = this.integrations[plan.target];
      if (!integration) throw new Error(`route ${plan.routeKey}: no integration for target ${plan.target}`);
      this.routes[plan.routeKey] = new aws.apigatewayv2.Route(
        `${name}-route-${routeSlug(plan.routeKey)}`,
        {
          apiId: this.api.id,
          routeKey: plan.routeKey,
          target: pulumi.interpolate`integrations/${integration.id}`,
          authorizationType: plan.authorizationType,
          ...(plan.authorizationType === 'JWT' ? { authorizerId: authorizer.id, authorizationScopes: [...plan.authorizationScopes] } : {}),
        },
        parent,
      );
    }

    const accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      { name: `/aws/apigateway/${apiName}`, retentionInDays: cfg.logRetentionDays, tags },
      parent,
    );
    const throttling = stageThrottling(plans);
    this.stage = new aws.apigatewayv2.Stage(
      `${name}-stage`,
      {
        apiId: this.api.id,
        name: '$default',
        autoDeploy: true,
        accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
        defaultRouteSettings: throttling.defaultRouteSettings,
        routeSettings: throttling.routeSettings,
        tags,
      },
      // Route settings may only name routes that exist.
      { parent: this, dependsOn: Object.values(this.routes) },
    );

    const custom = args.customDomain;
    if (custom) {
      const domain = new aws.apigatewayv2.DomainName(
        `${name}-domain`,
        {
          domainName: custom.domainName,
          domainNameConfiguration: { certificateArn: custom.certificateArn, endpointType: 'REGIONAL', securityPolicy: 'TLS_1_2' },
          tags,
        },
        parent,
      );
      new aws.apigatewayv2.ApiMapping(`${name}-domain-mapping`, { apiId: this.api.id, domainName: domain.domainName, stage: this.stage.id }, parent);
      if (custom.hostedZoneId) {
        // Alias A record: no charge for alias queries, and it follows the regional endpoint's IPs.
        const target = domain.domainNameConfiguration;
        new aws.route53.Record(
          `${name}-domain-record`,
          {
            zoneId: custom.hostedZoneId,
            name: custom.domainName,
            type: 'A',
            aliases: [{ name: target.targetDomainName, zoneId: target.hostedZoneId, evaluateTargetHealth: false }],
          },
          parent,
        );
      }
      this.customDomainUrl = `https://${custom.domainName}`;
    }

    this.endpoint = this.api.apiEndpoint;
    this.registerOutputs({ apiId: this.api.id, endpoint: this.endpoint });
  }
}
