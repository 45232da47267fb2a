import * as pulumi from '@pulumi/pulumi';
import type { TradaiConfig } from '../config/stack-config.js';
import { getStackReferenceName } from '../config/naming.js';
import { outputKeys, type Layer, type LayerOutputs } from '../contract/outputs.js';

/** Typed reader over one upstream layer's StackReference. */
export interface UpstreamLayer<L extends Layer> {
  readonly name: string;
  /** A required output; fails the deployment if the upstream stack does not export it. */
  require<K extends keyof LayerOutputs<L> & string>(key: K): pulumi.Output<NonNullable<LayerOutputs<L>[K]>>;
  /** An output the contract marks optional (e.g. ALB outputs when the ALB is skipped). */
  get<K extends keyof LayerOutputs<L> & string>(key: K): pulumi.Output<LayerOutputs<L>[K] | undefined>;
}

const references = new Map<string, pulumi.StackReference>();

/**
 * Reads `<org>/tradai-<layer>/<env>` through the cross-stack contract: only keys the contract
 * names compile, and a key the contract does not know is refused at run time too.
 */
export function upstream<L extends Layer>(layer: L, cfg: TradaiConfig): UpstreamLayer<L> {
  const name = getStackReferenceName(cfg.org, layer, cfg.environment);
  let ref = references.get(name);
  if (!ref) {
    ref = new pulumi.StackReference(name);
    references.set(name, ref);
  }
  const stackRef = ref;
  const known = new Set(outputKeys(layer));
  const check = (key: string) => {
    if (!known.has(key)) throw new Error(`${name}: "${key}" is not an output of tradai-${layer} in the cross-stack contract`);
  };
  return {
    name,
    require: (key) => {
      check(key);
      return stackRef.requireOutput(key) as pulumi.Output<never>;
    },
    get: (key) => {
      check(key);
      return stackRef.getOutput(key) as pulumi.Output<never>;
    },
  };
}

/** Inputs for every output of a layer: what a program returns from its default export. */
export type LayerExports<L extends Layer> = {
  // Not homomorphic (`& string`): every key is required, and an optional one keeps `| undefined`
  // (with `[K in keyof T]-?` TypeScript strips undefined from the property type as well).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is the point: "may be empty"
  [K in keyof LayerOutputs<L> & string]: {} extends Pick<LayerOutputs<L>, K>
    ? pulumi.Input<NonNullable<LayerOutputs<L>[K]>> | undefined
    : pulumi.Input<LayerOutputs<L>[K]>;
};

/**
 * The producer side of the contract: a program returns `defineOutputs('persistent', {...})`.
 * The compiler rejects a missing or unknown key; synth re-checks the resolved values.
 */
export function defineOutputs<L extends Layer>(_layer: L, outputs: LayerExports<L>): LayerExports<L> {
  return outputs;
}
