import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { getResourceName, getTags, type TradaiConfig } from '@tradai/infra-shared';
import { AZ_COUNT, VPC_CIDR, pickAvailabilityZones, planSubnets, tierCidrs, type PlannedSubnet, type SubnetTier } from './vpc.logic.js';

export interface VpcArgs {
  readonly cfg: TradaiConfig;
  /** Address space; defaults to 10.0.0.0/16 (seed section 5). */
  readonly cidrBlock?: string;
  /** Availability zones to span; defaults to 2. */
  readonly azCount?: number;
}

/**
 * VPC with public, private and database subnets in each AZ, an internet gateway and one route
 * table per tier (per AZ for the private tier, so each AZ can get its own NAT later). The
 * private default route is added by `routePrivateTrafficVia` once the NAT instance exists;
 * the database tier has no route out of the VPC. The default security group is taken over with
 * no rules, so anything launched without an explicit group can talk to nothing.
 */
export class Vpc extends pulumi.ComponentResource {
  readonly vpc: aws.ec2.Vpc;
  readonly plan: readonly PlannedSubnet[];
  readonly cidrBlock: string;
  readonly subnets: Readonly<Record<SubnetTier, aws.ec2.Subnet[]>>;
  readonly publicRouteTable: aws.ec2.RouteTable;
  readonly privateRouteTables: aws.ec2.RouteTable[];
  readonly databaseRouteTable: aws.ec2.RouteTable;
  readonly internetGateway: aws.ec2.InternetGateway;
  readonly defaultSecurityGroup: aws.ec2.DefaultSecurityGroup;
  private readonly baseName: string;
  private readonly env: TradaiConfig['environment'];
  private readonly tags: Record<string, string>;

  constructor(name: string, args: VpcArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:foundation:Vpc', name, {}, opts);
    const { cfg } = args;
    this.baseName = name;
    this.env = cfg.environment;
    this.tags = getTags(this.env);
    this.cidrBlock = args.cidrBlock ?? VPC_CIDR;
    const azCount = args.azCount ?? AZ_COUNT;
    this.plan = planSubnets(this.cidrBlock, azCount);
    const vpcName = getResourceName('vpc', this.env);

    this.vpc = new aws.ec2.Vpc(
      name,
      {
        cidrBlock: this.cidrBlock,
        // Both needed for the interface endpoints' private DNS names.
        enableDnsSupport: true,
        enableDnsHostnames: true,
        tags: { ...this.tags, Name: vpcName },
      },
      { parent: this },
    );

    const azs = aws.getAvailabilityZonesOutput({ state: 'available' }, { parent: this }).names.apply((names) => pickAvailabilityZones(names, azCount));

    const subnet = (s: PlannedSubnet) =>
      new aws.ec2.Subnet(
        `${name}-${s.tier}-${s.azIndex}`,
        {
          vpcId: this.vpc.id,
          cidrBlock: s.cidr,
          availabilityZone: azs.apply((a) => a[s.azIndex]!),
          // Nothing gets a public IP by accident: the NAT instance asks for one explicitly.
          mapPublicIpOnLaunch: false,
          tags: { ...this.tags, Name: getResourceName(`${s.tier}-${s.azIndex + 1}`, this.env), Tier: s.tier },
        },
        { parent: this },
      );
    const byTier = (tier: SubnetTier) => this.plan.filter((s) => s.tier === tier).map(subnet);
    this.subnets = { public: byTier('public'), private: byTier('private'), database: byTier('database') };

    this.internetGateway = new aws.ec2.InternetGateway(
      `${name}-igw`,
      { vpcId: this.vpc.id, tags: { ...this.tags, Name: getResourceName('igw', this.env) } },
      { parent: this },
    );

    this.publicRouteTable = this.routeTable(`${name}-public`, 'public-rt');
    new aws.ec2.Route(
      `${name}-public-internet`,
      { routeTableId: this.publicRouteTable.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: this.internetGateway.id },
      { parent: this },
    );
    this.associate(`${name}-public`, this.publicRouteTable, this.subnets.public);

    this.privateRouteTables = this.subnets.private.map((s, i) => {
      const rt = this.routeTable(`${name}-private-${i}`, `private-rt-${i + 1}`);
      this.associate(`${name}-private-${i}`, rt, [s]);
      return rt;
    });

    // No 0.0.0.0/0 route: the database tier cannot reach or be reached from outside the VPC.
    this.databaseRouteTable = this.routeTable(`${name}-database`, 'database-rt');
    this.associate(`${name}-database`, this.databaseRouteTable, this.subnets.database);

    // Adopting the default group with no ingress/egress blocks removes AWS's allow-all rules.
    this.defaultSecurityGroup = new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId: this.vpc.id, tags: { ...this.tags, Name: getResourceName('default-sg', this.env) } },
      { parent: this },
    );

    this.registerOutputs({ vpcId: this.vpc.id });
  }

  /** CIDRs of one tier, in AZ order. */
  cidrs(tier: SubnetTier): string[] {
    return tierCidrs(this.plan, tier);
  }

  /** Subnet ids of one tier, in AZ order. */
  subnetIds(tier: SubnetTier): pulumi.Output<string[]> {
    return pulumi.all(this.subnets[tier].map((s) => s.id));
  }

  /** Route tables that gateway endpoints (S3, DynamoDB) attach to: private and database. */
  get endpointRouteTableIds(): pulumi.Output<string>[] {
    return [...this.privateRouteTables, this.databaseRouteTable].map((rt) => rt.id);
  }

  /**
   * Sends the private subnets' internet traffic through a network interface (the NAT instance's
   * primary ENI). One route per private route table.
   */
  routePrivateTrafficVia(networkInterfaceId: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): aws.ec2.Route[] {
    return this.privateRouteTables.map(
      (rt, i) =>
        new aws.ec2.Route(
          `${this.baseName}-private-${i}-nat`,
          { routeTableId: rt.id, destinationCidrBlock: '0.0.0.0/0', networkInterfaceId },
          { parent: this, ...opts },
        ),
    );
  }

  private routeTable(logical: string, component: string): aws.ec2.RouteTable {
    return new aws.ec2.RouteTable(logical, { vpcId: this.vpc.id, tags: { ...this.tags, Name: getResourceName(component, this.env) } }, { parent: this });
  }

  private associate(prefix: string, rt: aws.ec2.RouteTable, subnets: aws.ec2.Subnet[]): void {
    subnets.forEach(
      (s, i) => new aws.ec2.RouteTableAssociation(`${prefix}-rta-${i}`, { routeTableId: rt.id, subnetId: s.id }, { parent: this }),
    );
  }
}
