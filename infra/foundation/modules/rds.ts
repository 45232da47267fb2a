import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { RDS_CONFIG, getResourceName, getTags, type TradaiConfig } from '@tradai/infra-shared';
import { BACKUP_WINDOW, DB_LOG_EXPORTS, DB_PARAMETERS, MAINTENANCE_WINDOW, PERFORMANCE_INSIGHTS_RETENTION_DAYS, planRds } from './rds.logic.js';

export interface RdsArgs {
  readonly cfg: TradaiConfig;
  /** The database tier's subnets (two AZs). */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroupId: pulumi.Input<string>;
}

/**
 * PostgreSQL for MLflow's metadata (RDS_CONFIG + the environment table): subnet group on the
 * database tier, a parameter group that forces TLS and logs what an operator needs, encrypted
 * storage with autoscaling, never publicly accessible. The master password is generated and
 * kept by RDS in Secrets Manager (manageMasterUserPassword): it never appears in the program,
 * the state or the plan. Prod: multi-AZ, deletion protection, a final snapshot, Pulumi `protect`.
 */
export class Rds extends pulumi.ComponentResource {
  readonly instance: aws.rds.Instance;
  readonly subnetGroup: aws.rds.SubnetGroup;
  readonly parameterGroup: aws.rds.ParameterGroup;
  /** The DB instance identifier (known before deployment). */
  readonly identifier: string;
  /** The database MLflow uses. */
  readonly databaseName: pulumi.Output<string>;
  /** ARN of the RDS-managed master user secret. */
  readonly secretArn: pulumi.Output<string>;

  constructor(name: string, args: RdsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:foundation:Rds', name, {}, opts);
    const { cfg } = args;
    const env = cfg.environment;
    const tags = getTags(env, 'mlflow');
    const plan = planRds(env);
    this.identifier = plan.identifier;

    this.subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { name: getResourceName('db-subnets', env), description: 'MLflow PostgreSQL: database tier subnets', subnetIds: args.subnetIds, tags },
      { parent: this },
    );

    this.parameterGroup = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        name: getResourceName('mlflow-db-params', env),
        family: RDS_CONFIG.parameterGroupFamily,
        description: 'MLflow PostgreSQL: TLS required, slow query, lock and connection logging',
        parameters: DB_PARAMETERS.map((p) => ({ ...p })),
        tags,
      },
      { parent: this },
    );

    // Created before the instance so RDS writes into groups with a retention (it would otherwise
    // create them itself, kept forever).
    const logGroups = plan.logGroupNames.map(
      (logName, i) =>
        new aws.cloudwatch.LogGroup(`${name}-log-${DB_LOG_EXPORTS[i]}`, { name: logName, retentionInDays: cfg.logRetentionDays, tags }, { parent: this }),
    );

    this.instance = new aws.rds.Instance(
      name,
      {
        identifier: plan.identifier,
        engine: RDS_CONFIG.engine,
        engineVersion: RDS_CONFIG.engineVersion,
        // Security patches land in the maintenance window; engineVersion is then ignored (below)
        // so the patched minor version is not seen as drift from RDS_CONFIG's create-time version.
        autoMinorVersionUpgrade: true,
        instanceClass: plan.instanceClass,
        allocatedStorage: plan.allocatedStorage,
        maxAllocatedStorage: plan.maxAllocatedStorage,
        storageType: RDS_CONFIG.storageType,
        storageEncrypted: true,
        dbName: RDS_CONFIG.databaseName,
        username: RDS_CONFIG.masterUsername,
        manageMasterUserPassword: true,
        port: RDS_CONFIG.port,
        dbSubnetGroupName: this.subnetGroup.name,
        parameterGroupName: this.parameterGroup.name,
        vpcSecurityGroupIds: [args.securityGroupId],
        publiclyAccessible: false,
        multiAz: plan.multiAz,
        backupRetentionPeriod: plan.backupRetentionPeriod,
        backupWindow: BACKUP_WINDOW,
        maintenanceWindow: MAINTENANCE_WINDOW,
        copyTagsToSnapshot: true,
        deletionProtection: plan.deletionProtection,
        skipFinalSnapshot: plan.skipFinalSnapshot,
        finalSnapshotIdentifier: plan.finalSnapshotIdentifier,
        deleteAutomatedBackups: plan.deleteAutomatedBackups,
        enabledCloudwatchLogsExports: [...DB_LOG_EXPORTS],
        performanceInsightsEnabled: plan.performanceInsightsEnabled,
        ...(plan.performanceInsightsEnabled ? { performanceInsightsRetentionPeriod: PERFORMANCE_INSIGHTS_RETENTION_DAYS } : {}),
        caCertIdentifier: 'rds-ca-rsa2048-g1',
        tags: { ...tags, Name: plan.identifier },
      },
      { parent: this, dependsOn: logGroups, protect: cfg.settings.protectData, ignoreChanges: ['engineVersion'] },
    );

    this.databaseName = this.instance.dbName.apply((n) => n ?? RDS_CONFIG.databaseName);
    this.secretArn = this.instance.masterUserSecrets.apply((secrets) => {
      const arn = secrets?.[0]?.secretArn;
      if (!arn) throw new Error(`${plan.identifier}: RDS reported no master user secret; manageMasterUserPassword must be true`);
      return arn;
    });

    this.registerOutputs({ endpoint: this.instance.endpoint, secretArn: this.secretArn });
  }
}
