import { checkParameters, isAwsError, NotFoundError, parseJsonEvent, StrategyConfigFile, ValidationError, type ConfigVersionRepo, type ValidateStrategyInput, type ValidateStrategyOutput } from '@tradai/domain';
import { parseImageRef, type ImageRef } from './validate.js';

export interface ValidateDeps {
  readonly configVersions: ConfigVersionRepo;
  readonly configsBucket: string;
  /** Reads an object of the configs bucket as text. */
  readonly readConfig: (key: string) => Promise<string>;
  /** Resolves when the image exists in ECR; rejects with ImageNotFoundException / RepositoryNotFoundException otherwise. */
  readonly describeImage: (ref: ImageRef) => Promise<unknown>;
}

/**
 * Checks that the strategy has the requested (or a latest) config version, that its config file
 * is in the configs bucket and parses, that its image is in ECR, and that the requested parameters
 * fit the declared specs. Read-only, so duplicate deliveries are harmless.
 */
export async function validateStrategy(deps: ValidateDeps, input: ValidateStrategyInput): Promise<ValidateStrategyOutput> {
  const cv = input.configVersion
    ? await deps.configVersions.get(input.strategy, input.configVersion)
    : await deps.configVersions.latest(input.strategy);
  if (!cv) {
    throw new NotFoundError(
      input.configVersion
        ? `strategy ${input.strategy} has no config version ${input.configVersion}`
        : `unknown strategy ${input.strategy}: no config version registered`,
    );
  }
  const where = `s3://${deps.configsBucket}/${cv.config_key}`;
  let text: string;
  try {
    text = await deps.readConfig(cv.config_key);
  } catch (err) {
    if (isAwsError(err, 'NoSuchKey', 'NotFound')) throw new NotFoundError(`config file ${where} of ${input.strategy} v${cv.version} does not exist`);
    throw err;
  }
  const config = parseJsonEvent(StrategyConfigFile, text, `strategy config ${where}`);
  if (config.strategy !== input.strategy) {
    throw new ValidationError(`invalid strategy config ${where}: strategy: is "${config.strategy}", expected "${input.strategy}"`, 'strategy');
  }
  const ref = parseImageRef(cv.image);
  try {
    await deps.describeImage(ref);
  } catch (err) {
    if (isAwsError(err, 'ImageNotFoundException', 'RepositoryNotFoundException')) {
      throw new NotFoundError(`image ${cv.image} of ${input.strategy} v${cv.version} is not in ECR (${(err as Error).name})`);
    }
    throw err;
  }
  const parameters = checkParameters(config.parameters, input.parameters);
  return { workflowId: input.workflowId, strategy: input.strategy, configVersion: cv.version, image: cv.image, configKey: cv.config_key, parameters };
}
