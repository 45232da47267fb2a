import type { Environment, TradaiConfig } from '@tradai/infra-shared';

/**
 * Environment variables that switch the persistent program into teardown mode for one run.
 * Not Pulumi config: `pulumi up --config` would write the switch into Pulumi.<env>.yaml and every
 * later `up` would keep the data deletable. The CLI sets them only for the `up` it runs right
 * before `destroy` (tools/pulumi/teardown.ts).
 */
export const TEARDOWN_VAR = 'TRADAI_TEARDOWN';
export const UNPROTECT_VAR = 'TRADAI_UNPROTECT';

/** How the data-bearing resources of persistent behave on delete. */
export interface DataLifecycle {
  /** Pulumi `protect`: a destroy (or removal from the program) fails until an up clears it. */
  readonly protect: boolean;
  /** Pulumi `retainOnDelete`: destroy forgets the resource and leaves it in AWS. */
  readonly retainOnDelete: boolean;
  /** S3 `forceDestroy` / ECR `forceDelete`: delete a bucket or repository that still has objects/images. */
  readonly emptyOnDelete: boolean;
  /** DynamoDB / Cognito deletion protection on the AWS side. */
  readonly awsDeletionProtection: boolean;
  /** Secrets Manager recovery window: 0 frees the name at once, so a re-up can create it again. */
  readonly secretRecoveryDays: number;
  /** True in the run that prepares a destroy. */
  readonly teardown: boolean;
}

/**
 * Normal runs keep data on destroy (retainOnDelete) and, in protected environments (prod), also
 * protect it. Teardown mode (`TRADAI_TEARDOWN=<env>`, set by down-persistent after the typed
 * phrase) lets the following destroy delete everything with its contents, so nothing with a fixed
 * name survives to collide with the next up. A protected environment additionally needs
 * `TRADAI_UNPROTECT=<env>` (the separate `--unprotect` step). Throws, before anything is planned,
 * on a switch meant for another environment.
 */
export function dataLifecycle(cfg: Pick<TradaiConfig, 'environment' | 'settings'>, vars: Readonly<Record<string, string | undefined>> = process.env): DataLifecycle {
  const env: Environment = cfg.environment;
  const teardown = vars[TEARDOWN_VAR] || undefined;
  const unprotect = vars[UNPROTECT_VAR] || undefined;
  if (teardown !== undefined && teardown !== env) {
    throw new Error(`${TEARDOWN_VAR}=${teardown} is set but this is the ${env} stack: unset it (only down-persistent sets it, for one run)`);
  }
  if (unprotect !== undefined && (unprotect !== env || teardown === undefined)) {
    throw new Error(`${UNPROTECT_VAR}=${unprotect} only applies together with ${TEARDOWN_VAR}=${unprotect} in that environment's down-persistent run; unset it`);
  }
  const protectData = cfg.settings.protectData;
  if (teardown === undefined) {
    return { protect: protectData, retainOnDelete: true, emptyOnDelete: false, awsDeletionProtection: protectData, secretRecoveryDays: protectData ? 30 : 0, teardown: false };
  }
  if (protectData && unprotect === undefined) {
    throw new Error(`${env} data is protected: destroying it needs the explicit unprotect step (npm run infra -- down-persistent --env=${env} --unprotect)`);
  }
  return { protect: false, retainOnDelete: false, emptyOnDelete: true, awsDeletionProtection: false, secretRecoveryDays: 0, teardown: true };
}

/** The Pulumi resource options of a data-bearing resource. */
export function dataOptions(lifecycle: DataLifecycle): { protect: boolean; retainOnDelete: boolean } {
  return { protect: lifecycle.protect, retainOnDelete: lifecycle.retainOnDelete };
}
