/**
 * Lints the Dockerfiles of docker/: `dockerfile-utils` validates the syntax (flags, JSON forms,
 * instruction arguments), and a few house rules on the parsed file (`dockerfile-ast`, the parser
 * dockerfile-utils is built on) check what an image must have to ship: an overridable base image
 * with a pinned default, a non-root user, a HEALTHCHECK for services and named runtime files only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

/** What a Dockerfile must have beyond valid syntax. */
export interface DockerfilePolicy {
  /** The final stage ends with a USER that is not root (Lambda: no, it picks its own user). */
  readonly nonRootUser: boolean;
  /** The final stage has a HEALTHCHECK (long-running services; tasks run to completion). */
  readonly healthcheck: boolean;
}

/** Every Dockerfile in docker/ with its policy; a Dockerfile missing here fails the lint (so none skips it). */
export const DOCKERFILE_POLICIES: Readonly<Record<string, DockerfilePolicy>> = {
  'lambda.Dockerfile': { nonRootUser: false, healthcheck: false },
  'service.Dockerfile': { nonRootUser: true, healthcheck: true },
  'mlflow.Dockerfile': { nonRootUser: true, healthcheck: true },
  'strategy.Dockerfile': { nonRootUser: true, healthcheck: false },
};

export interface DockerfileProblem {
  /** 1-based line. */
  readonly line: number;
  readonly message: string;
  /** `dockerfile-utils` for syntax, `policy` for the house rules. */
  readonly source: 'dockerfile-utils' | 'policy';
}

const lineOf = (i: Instruction) => i.getRange().start.line + 1;

/** Source arguments of a COPY/ADD (its flags and its destination left out). */
function copySources(i: Instruction): string[] {
  const args = i.getArguments().map((a) => a.getValue());
  const operands = args.filter((a) => !a.startsWith('--'));
  return operands.slice(0, -1);
}

/** Problems of one Dockerfile's text under `policy`; empty when it is fine. */
export function lintDockerfile(content: string, policy: DockerfilePolicy): DockerfileProblem[] {
  const problems: DockerfileProblem[] = validate(content).map((d) => ({
    line: d.range.start.line + 1,
    message: typeof d.message === 'string' ? d.message : d.message.value,
    source: 'dockerfile-utils',
  }));
  const policyProblem = (line: number, message: string) => problems.push({ line, message, source: 'policy' });
  const file = DockerfileParser.parse(content);
  const froms = file.getFROMs();
  if (froms.length === 0) return problems; // dockerfile-utils already reports the missing FROM

  // Offline builds and the e2e swap the base through this argument; production keeps a pinned default.
  const baseArg = file.getInitialARGs().find((a) => a.getProperty()?.getName() === 'BASE_IMAGE');
  const baseDefault = baseArg?.getProperty()?.getValue() ?? '';
  if (!baseArg) policyProblem(lineOf(froms[0]!), 'declare ARG BASE_IMAGE=<image> before the first FROM so builds can swap the base image');
  else if (!/[:@]/.test(baseDefault.replace(/^[^/]*:\d+\//, '')) || /:latest$/.test(baseDefault)) {
    policyProblem(lineOf(baseArg), `ARG BASE_IMAGE default must be pinned by tag or digest (not :latest), got "${baseDefault}"`);
  }
  const stages = new Set(froms.map((f) => f.getBuildStage()).filter((s): s is string => Boolean(s)));
  for (const from of froms) {
    const image = from.getImage() ?? '';
    if (image !== '${BASE_IMAGE}' && image !== '$BASE_IMAGE' && !stages.has(image)) {
      policyProblem(lineOf(from), `FROM ${image}: build from \${BASE_IMAGE} (or an earlier stage), not a fixed image`);
    }
  }

  const finalFrom = lineOf(froms.at(-1)!);
  const final = file.getInstructions().filter((i) => lineOf(i) > finalFrom);
  const keyword = (k: string) => final.filter((i) => i.getKeyword() === k);
  for (const add of keyword('ADD')) policyProblem(lineOf(add), 'use COPY, not ADD (no remote URLs or archive unpacking in images)');
  for (const copy of keyword('COPY')) {
    const fromStage = copy.getArguments().some((a) => a.getValue().startsWith('--from='));
    const wide = copySources(copy).filter((s) => s === '.' || s === './' || s.includes('*'));
    if (!fromStage && wide.length) policyProblem(lineOf(copy), `COPY ${wide.join(' ')}: name the runtime files, so nothing else in the context reaches the image`);
  }
  if (policy.nonRootUser) {
    const user = keyword('USER').at(-1);
    const name = user?.getArgumentsContent()?.split(':')[0]?.trim();
    if (!user) policyProblem(finalFrom, 'the final stage has no USER: the process would run as root');
    else if (name === 'root' || name === '0') policyProblem(lineOf(user), `USER ${user.getArgumentsContent()}: the process must not run as root`);
  }
  if (policy.healthcheck) {
    const hc = keyword('HEALTHCHECK').at(-1);
    if (!hc || /^NONE\b/i.test(hc.getArgumentsContent() ?? '')) policyProblem(hc ? lineOf(hc) : finalFrom, 'a service image needs a HEALTHCHECK in its final stage');
  }
  return problems.sort((a, b) => a.line - b.line);
}

/** Lints every `*.Dockerfile` in `dir`; a file without a policy is itself a problem. */
export function lintDockerfiles(dir: string, policies: Readonly<Record<string, DockerfilePolicy>> = DOCKERFILE_POLICIES): Record<string, DockerfileProblem[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.Dockerfile') || f === 'Dockerfile').sort();
  const out: Record<string, DockerfileProblem[]> = {};
  for (const f of files) {
    const policy = policies[f];
    out[f] = policy
      ? lintDockerfile(readFileSync(join(dir, f), 'utf8'), policy)
      : [{ line: 1, message: `no lint policy for ${f}: add it to DOCKERFILE_POLICIES in tools/images/dockerfile-lint.ts`, source: 'policy' }];
  }
  return out;
}
