import { createRequire } from 'node:module';
import nunjucks from 'nunjucks';

/** The parsed Amazon States Language definition a template renders to. */
export interface AslStateMachine {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly States: Record<string, Record<string, unknown>>;
  readonly TimeoutSeconds?: number;
  readonly [key: string]: unknown;
}

interface AslValidationResult {
  readonly isValid: boolean;
  readonly errors: readonly { readonly 'Error code': string; readonly Message: string }[];
  errorsText(separator?: string): string;
}
type AslValidator = (definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }) => AslValidationResult;

let validator: AslValidator | undefined;
/** asl-validator 4 is CommonJS (`module.exports = validator`) without types; loaded on first use (~50 ms). */
function aslValidator(): AslValidator {
  validator ??= createRequire(import.meta.url)('asl-validator') as AslValidator;
  return validator;
}

/** Template file extension for workflow definitions. */
export const ASL_TEMPLATE_EXTENSION = '.json.njk';

/** Thrown when a template fails to render, parse or validate; names the template. */
export class AslTemplateError extends Error {
  constructor(
    readonly template: string,
    message: string,
  ) {
    super(`ASL template ${template}: ${message}`);
    this.name = 'AslTemplateError';
  }
}

/** `json` filter: injects strings, numbers, arrays and objects as JSON literals; undefined throws. */
function jsonFilter(value: unknown): string {
  if (value === undefined) throw new Error('json filter: value is undefined');
  return JSON.stringify(value);
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return { line, column: position - before.lastIndexOf('\n') };
}

/**
 * Problems asl-validator lets through: JSONata (QueryLanguage) and `Assign` anywhere, which
 * aws-local-stepfunctions (the runner our tests use) ignores silently, and a Task without
 * TimeoutSeconds/TimeoutSecondsPath, which waits up to the execution limit (a year for Standard
 * workflows) when a Lambda or ECS task hangs.
 */
export function aslPolicyProblems(definition: unknown): string[] {
  const problems: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${path}[${i}]`));
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const obj = node as Record<string, unknown>;
    if (obj['QueryLanguage'] === 'JSONata') problems.push(`${path}: QueryLanguage "JSONata" is refused (aws-local-stepfunctions ignores it; use JSONPath)`);
    if ('Assign' in obj) problems.push(`${path}: "Assign" is refused (aws-local-stepfunctions ignores variables silently)`);
    const states = obj['States'];
    if (typeof states === 'object' && states !== null && !Array.isArray(states)) {
      for (const [name, state] of Object.entries(states as Record<string, unknown>)) {
        const s = state as Record<string, unknown> | null;
        if (s && s['Type'] === 'Task' && s['TimeoutSeconds'] === undefined && s['TimeoutSecondsPath'] === undefined) {
          problems.push(`state "${name}" (${path}.States): Task has no TimeoutSeconds or TimeoutSecondsPath`);
        }
      }
    }
    for (const [key, value] of Object.entries(obj)) walk(value, `${path}.${key}`);
  };
  walk(definition, '$');
  return problems;
}

/**
 * Renders Step Functions definitions from nunjucks templates (`<name>.json.njk`, seed section 8:
 * the Jinja2 AslTemplateLoader). A template variable that is missing throws (throwOnUndefined,
 * the StrictUndefined of Jinja2, for output expressions: `{% if missing %}` is falsy, not an
 * error, so test for presence with `is defined` where it matters). Autoescape is off (JSON is not
 * HTML); inject values with `{{ value | json }}` so strings and arrays are quoted correctly.
 *
 * The result is parsed, checked by asl-validator and by aslPolicyProblems; any failure throws an
 * AslTemplateError naming the template.
 *
 * Variables are plain values: in a stack, resolve Outputs first (`aslDefinitionJson` in
 * `@tradai/infra-shared/pulumi`).
 */
export class AslTemplateLoader {
  private readonly env: nunjucks.Environment;

  constructor(readonly templateDir: string) {
    this.env = new nunjucks.Environment(new nunjucks.FileSystemLoader(templateDir, { noCache: true }), {
      throwOnUndefined: true,
      autoescape: false,
    });
    this.env.addFilter('json', jsonFilter);
  }

  /** File name for a template name: `backtest` -> `backtest.json.njk`. */
  static fileName(name: string): string {
    return name.endsWith('.njk') ? name : `${name}${ASL_TEMPLATE_EXTENSION}`;
  }

  /** Renders, parses and validates `name` with `vars`; returns the ASL object. */
  render(name: string, vars: Record<string, unknown>): AslStateMachine {
    const file = AslTemplateLoader.fileName(name);
    const text = this.renderText(file, vars);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message;
      const position = /position (\d+)/.exec(message);
      const where = position ? lineAndColumn(text, Number(position[1])) : undefined;
      const excerpt = where ? `\n  ${where.line}: ${text.split('\n')[where.line - 1]}` : '';
      throw new AslTemplateError(file, `rendered output is not valid JSON${where ? ` at line ${where.line} column ${where.column}` : ''}: ${message}${excerpt}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new AslTemplateError(file, 'rendered output is not a JSON object');

    // The validator writes a default QueryLanguage into every state: give it a copy.
    const result = aslValidator()(structuredClone(parsed));
    if (!result.isValid) throw new AslTemplateError(file, `invalid ASL:\n  - ${result.errors.map((e) => `${e['Error code']}: ${e.Message}`).join('\n  - ')}`);
    const problems = aslPolicyProblems(parsed);
    if (problems.length > 0) throw new AslTemplateError(file, `refused:\n  - ${problems.join('\n  - ')}`);
    return parsed as AslStateMachine;
  }

  /** `JSON.stringify(render(...))`: the `definition` of `aws.sfn.StateMachine`. */
  renderJson(name: string, vars: Record<string, unknown>): string {
    return JSON.stringify(this.render(name, vars));
  }

  private renderText(file: string, vars: Record<string, unknown>): string {
    try {
      return this.env.render(file, vars);
    } catch (error) {
      throw new AslTemplateError(file, `render failed: ${(error as Error).message}`);
    }
  }
}
