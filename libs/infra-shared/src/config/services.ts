import { SERVICE_ENDPOINTS } from '@tradai/contracts';
import { ENVIRONMENT_SETTINGS, type Environment } from './environment.js';

/** The six service image repositories (ECR_REPOS). */
export const ECR_REPOS = ['backend', 'data-collection', 'strategy-service', 'mlflow', 'live-trading', 'dry-run-trading'] as const;
export type ServiceRepo = (typeof ECR_REPOS)[number];

export interface ServiceConfig {
  readonly imageRepo: ServiceRepo;
  readonly port: number;
  readonly healthCheckPath: string;
  /** Fargate task size (CPU units / MiB). */
  readonly cpu: number;
  readonly memory: number;
  /** Routed through the ALB (and so through API Gateway). */
  readonly alb: boolean;
  /** May run on FARGATE_SPOT. live-trading never: an interruption would drop open positions. */
  readonly spot: boolean;
  /** Runs on the consolidated EC2 instance when consolidated mode is on. */
  readonly consolidated: boolean;
  readonly description: string;
}

/** SERVICES: 7 ECS services from 6 images (DESIGN.md). Ports and health paths come from @tradai/contracts, which the runtime probes read too. */
export const SERVICES = {
  'backend-api': { imageRepo: 'backend', port: SERVICE_ENDPOINTS['backend-api'].port, healthCheckPath: SERVICE_ENDPOINTS['backend-api'].healthPath, cpu: 512, memory: 1024, alb: true, spot: true, consolidated: true, description: 'REST API for backtests, models, deployments and trading status' },
  'data-collection': { imageRepo: 'data-collection', port: SERVICE_ENDPOINTS['data-collection'].port, healthCheckPath: SERVICE_ENDPOINTS['data-collection'].healthPath, cpu: 256, memory: 512, alb: true, spot: true, consolidated: true, description: 'market data sync into ArcticDB' },
  'strategy-service': { imageRepo: 'strategy-service', port: SERVICE_ENDPOINTS['strategy-service'].port, healthCheckPath: SERVICE_ENDPOINTS['strategy-service'].healthPath, cpu: 256, memory: 512, alb: true, spot: true, consolidated: true, description: 'strategy registry and configuration' },
  mlflow: { imageRepo: 'mlflow', port: SERVICE_ENDPOINTS.mlflow.port, healthCheckPath: SERVICE_ENDPOINTS.mlflow.healthPath, cpu: 512, memory: 1024, alb: true, spot: true, consolidated: true, description: 'MLflow tracking server (RDS metadata, S3 artifacts)' },
  'live-trading': { imageRepo: 'live-trading', port: SERVICE_ENDPOINTS['live-trading'].port, healthCheckPath: SERVICE_ENDPOINTS['live-trading'].healthPath, cpu: 512, memory: 1024, alb: false, spot: false, consolidated: false, description: 'live trading bots' },
  'dry-run-trading': { imageRepo: 'dry-run-trading', port: SERVICE_ENDPOINTS['dry-run-trading'].port, healthCheckPath: SERVICE_ENDPOINTS['dry-run-trading'].healthPath, cpu: 256, memory: 512, alb: false, spot: true, consolidated: false, description: 'paper trading against live data' },
  'shadow-trading': { imageRepo: 'dry-run-trading', port: SERVICE_ENDPOINTS['shadow-trading'].port, healthCheckPath: SERVICE_ENDPOINTS['shadow-trading'].healthPath, cpu: 256, memory: 512, alb: false, spot: true, consolidated: false, description: 'candidate strategy version in dry-run beside live, for shadow tests' },
} as const satisfies Record<string, ServiceConfig>;

export type ServiceName = keyof typeof SERVICES;
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

/** Desired task count: 1 everywhere, 2 for backend-api in prod (seed section 3). */
export function getDesiredCount(service: ServiceName, env: Environment): number {
  return ENVIRONMENT_SETTINGS[env].desiredCountOverrides[service] ?? 1;
}
