import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { getResourceName, getTags, type TradaiConfig } from '@tradai/infra-shared';
import { GATEWAY_ENDPOINTS, INTERFACE_ENDPOINTS, endpointComponent, endpointServiceName, interfaceEndpointSubnets, type GatewayEndpoint, type InterfaceEndpoint } from './vpc_endpoints.logic.js';

export interface VpcEndpointsArgs {
  readonly cfg: TradaiConfig;
  readonly vpcId: pulumi.Input<string>;
  /** Route tables of the private and database tiers (gateway endpoints). */
  readonly routeTableIds: readonly pulumi.Input<string>[];
  /** Private subnets, in AZ order: interface endpoint ENIs go in all, the first or none (tradai:interfaceEndpoints). */
  readonly privateSubnetIds: readonly pulumi.Input<string>[];
  readonly securityGroupId: pulumi.Input<string>;
}

/**
 * Gateway endpoints for S3 and DynamoDB on the private and database route tables, and interface
 * endpoints for ECR (API + registry), CloudWatch Logs and STS with private DNS, so image pulls,
 * logs, state and credentials stay on the AWS network even when the NAT instance is down. The
 * interface endpoints are the largest fixed network cost; where they go is
 * tradai:interfaceEndpoints (prod in every AZ, dev and staging none: the cost report's
 * `endpoints` comparison prices the three choices).
 */
export class VpcEndpoints extends pulumi.ComponentResource {
  readonly gateway: Readonly<Record<GatewayEndpoint, aws.ec2.VpcEndpoint>>;
  /** Empty when tradai:interfaceEndpoints is `none`. */
  readonly interface: Readonly<Partial<Record<InterfaceEndpoint, aws.ec2.VpcEndpoint>>>;

  constructor(name: string, args: VpcEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:foundation:VpcEndpoints', name, {}, opts);
    const env = args.cfg.environment;
    const tags = getTags(env);
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const serviceName = (service: string) => region.apply((r) => endpointServiceName(r, service));
    const logical = (service: string) => `${name}-${service.replace(/\./g, '-')}`;

    this.gateway = Object.fromEntries(
      GATEWAY_ENDPOINTS.map((service) => [
        service,
        new aws.ec2.VpcEndpoint(
          logical(service),
          {
            vpcId: args.vpcId,
            serviceName: serviceName(service),
            vpcEndpointType: 'Gateway',
            routeTableIds: [...args.routeTableIds],
            tags: { ...tags, Name: getResourceName(endpointComponent(service), env) },
          },
          { parent: this },
        ),
      ]),
    ) as Record<GatewayEndpoint, aws.ec2.VpcEndpoint>;

    const subnets = interfaceEndpointSubnets(args.cfg.interfaceEndpoints, args.privateSubnetIds);
    this.interface = Object.fromEntries(
      (subnets.length ? INTERFACE_ENDPOINTS : []).map((service) => [
        service,
        new aws.ec2.VpcEndpoint(
          logical(service),
          {
            vpcId: args.vpcId,
            serviceName: serviceName(service),
            vpcEndpointType: 'Interface',
            subnetIds: subnets,
            securityGroupIds: [args.securityGroupId],
            privateDnsEnabled: true,
            tags: { ...tags, Name: getResourceName(endpointComponent(service), env) },
          },
          { parent: this },
        ),
      ]),
    ) as Partial<Record<InterfaceEndpoint, aws.ec2.VpcEndpoint>>;

    this.registerOutputs({});
  }
}
