import * as pulumi from '@pulumi/pulumi';
import { CONFIG_NAMESPACE } from '../config/stack-config.js';
import { PulumiMocks, type PulumiMocksOptions } from './mocks.js';

export interface StackTestOptions extends PulumiMocksOptions {
  /** Pulumi project, e.g. `tradai-persistent`. */
  readonly project: string;
  /** Stack name = environment. */
  readonly stack: string;
  /** Config values: `key` means `tradai:key`; a key with a colon (`aws:region`) is used as is. */
  readonly config?: Readonly<Record<string, string>>;
}

/**
 * Installs the mocks and config. Call it before importing a stack program (dynamic `await import`),
 * since the program registers resources as it is evaluated.
 */
export async function setupStackTest(options: StackTestOptions): Promise<PulumiMocks> {
  const mocks = new PulumiMocks(options);
  const config = Object.fromEntries(
    Object.entries({ 'aws:region': 'eu-central-1', ...options.config }).map(([k, v]) => [k.includes(':') ? k : `${CONFIG_NAMESPACE}:${k}`, v]),
  );
  pulumi.runtime.setAllConfig(config);
  await pulumi.runtime.setMocks(mocks, options.project, options.stack, false);
  current = mocks;
  return mocks;
}

let current: PulumiMocks | undefined;

/**
 * Runs `fn` inside the root Stack resource, as the engine runs a program, and returns its
 * resolved outputs. Mocks never see a resource's parent; a stack transformation registered here
 * does, so recorded resources carry it.
 */
export async function runInStack(fn: () => unknown): Promise<Record<string, unknown>> {
  const mocks = current;
  if (!mocks) throw new Error('runInStack: call setupStackTest() first');
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      const parent = args.opts.parent as (pulumi.Resource & { __pulumiType?: string; __name?: string }) | undefined;
      const isStack = !parent || parent.__pulumiType === 'pulumi:pulumi:Stack';
      mocks.parents.set(`${args.type}::${args.name}`, isStack ? null : `${parent.__pulumiType}::${parent.__name}`);
      return undefined;
    });
    return (await fn()) as pulumi.Inputs;
  });
  const resolved = await resolveOutputs((outputs ?? {}) as Record<string, unknown>);
  // Resources whose inputs wait on other resources (a rule on a group's id) register after the
  // program returns: drain the RPC queue (what `disconnect` does first) so `mocks` has them all.
  await (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs?.();
  return resolved;
}

/** Resolves an Output (or plain value) to its value. Hangs on unknowns, so tests use preview = false. */
export function promiseOf<T>(value: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
  return new Promise((resolve) => {
    pulumi.output(value).apply((v) => {
      resolve(v);
      return v;
    });
  });
}

/** Resolves every output a program returned, dropping the undefined (optional) ones. */
export async function resolveOutputs(outputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  const entries = await Promise.all(Object.entries(outputs).map(async ([k, v]) => [k, await promiseOf(v as pulumi.Input<unknown>)] as const));
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}

/**
 * Runs a program module's default export (the function Pulumi calls) and resolves its outputs.
 * @param load e.g. `() => import('../index.js')`
 */
export async function runProgram(load: () => Promise<{ default: () => unknown }>): Promise<Record<string, unknown>> {
  return runInStack(async () => (await load()).default());
}
