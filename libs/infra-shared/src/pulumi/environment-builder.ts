import * as pulumi from '@pulumi/pulumi';

/** One container environment entry, the shape ECS container definitions take. */
export interface EnvironmentVariable {
  readonly name: string;
  readonly value: string;
}

/** Upper snake case, starting with a letter: what every runtime env parser here expects. */
export const ENV_VAR_NAME = /^[A-Z][A-Z0-9_]*$/;

/** Lambda refuses environments over 4 KB (keys + values). */
export const LAMBDA_ENV_MAX_BYTES = 4096;

/**
 * Fluent builder for container and Lambda environment variables (seed section 8) that mixes
 * static strings and Pulumi Outputs. Names are checked when added (upper snake case, no
 * duplicates); values are resolved once with `pulumi.all(...).apply(...)`, keeping secretness.
 *
 * @example
 * new EnvironmentBuilder().add('ENVIRONMENT', cfg.environment).addOutput(tableEnvName('workflow_state'), table.name).build()
 */
export class EnvironmentBuilder {
  private readonly values = new Map<string, pulumi.Input<string>>();

  /** A static value. */
  add(name: string, value: string): this {
    if (typeof value !== 'string') throw new Error(`EnvironmentBuilder: ${name} must be a string (got ${typeof value}); convert numbers with String()`);
    return this.set(name, value);
  }

  /** A value known only at deploy time (an ARN, a URL, a table name). */
  addOutput(name: string, value: pulumi.Input<string>): this {
    if (value === undefined || value === null) throw new Error(`EnvironmentBuilder: ${name} has no value`);
    return this.set(name, value);
  }

  /** Adds the variable only when `condition` holds (e.g. consolidated mode, an optional ALB). */
  addIf(condition: boolean, name: string, value: pulumi.Input<string>): this {
    // The name is still checked so a typo fails in every environment, not only where it is added.
    this.checkName(name);
    return condition ? this.addOutput(name, value) : this;
  }

  /** Every entry of a record. */
  addAll(record: Readonly<Record<string, pulumi.Input<string>>>): this {
    for (const [name, value] of Object.entries(record)) this.addOutput(name, value);
    return this;
  }

  /** Names added so far, sorted. */
  names(): string[] {
    return [...this.values.keys()].sort();
  }

  /**
   * `[{ name, value }]` sorted by name, so a task definition does not change when only the
   * order of `add` calls does.
   */
  build(): pulumi.Output<EnvironmentVariable[]> {
    return this.resolve().apply((record) => Object.entries(record).map(([name, value]) => ({ name, value })));
  }

  /** `{ NAME: value }` (Lambda `environment.variables`), keys sorted; refuses over 4 KB. */
  buildRecord(): pulumi.Output<Record<string, string>> {
    return this.resolve().apply((record) => {
      const bytes = Object.entries(record).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
      if (bytes > LAMBDA_ENV_MAX_BYTES) throw new Error(`EnvironmentBuilder: environment is ${bytes} bytes, over Lambda's ${LAMBDA_ENV_MAX_BYTES}-byte limit (${Object.keys(record).join(', ')})`);
      return record;
    });
  }

  private resolve(): pulumi.Output<Record<string, string>> {
    const names = this.names();
    const inputs = names.map((name) => this.values.get(name)!);
    return pulumi.all(inputs).apply((resolved) => {
      const record: Record<string, string> = {};
      names.forEach((name, i) => {
        const value: unknown = resolved[i];
        if (typeof value !== 'string') throw new Error(`EnvironmentBuilder: ${name} resolved to ${value === undefined ? 'undefined' : typeof value}, not a string`);
        record[name] = value;
      });
      return record;
    });
  }

  private checkName(name: string): void {
    if (!ENV_VAR_NAME.test(name)) throw new Error(`EnvironmentBuilder: variable name "${name}" must match ${ENV_VAR_NAME} (upper snake case)`);
  }

  private set(name: string, value: pulumi.Input<string>): this {
    this.checkName(name);
    if (this.values.has(name)) throw new Error(`EnvironmentBuilder: variable ${name} is added twice`);
    this.values.set(name, value);
    return this;
  }
}
