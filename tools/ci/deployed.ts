/**
 * Which commit each environment runs, recorded as the git tag `deployed/<env>` (moved by the
 * pipeline after a successful deploy). Promotion deploys the commit dev runs, not the tip of main.
 *   npm run deployed -- show dev            prints the commit dev runs
 *   npm run deployed -- mark dev [commit]   moves deployed/dev to the commit (default HEAD) and pushes it
 */
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ENVIRONMENTS, parseEnvironment, type Environment } from '@tradai/infra-shared';

export const deployedTag = (env: Environment) => `deployed/${env}`;

const git = (cwd: string, args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/**
 * The commit `env` runs, after fetching its tag from `remote`.
 * @throws Error saying the environment was never deployed by the pipeline when the tag is absent
 */
export function deployedCommit(cwd: string, env: Environment, remote = 'origin'): string {
  const tag = deployedTag(env);
  try {
    git(cwd, ['fetch', '--quiet', '--force', remote, `refs/tags/${tag}:refs/tags/${tag}`]);
    return git(cwd, ['rev-parse', '--verify', `${tag}^{commit}`]);
  } catch {
    throw new Error(`no ${tag} tag on ${remote}: ${env} has not been deployed by the pipeline yet (the deploy workflow moves it after a successful deploy)`);
  }
}

/** Moves `deployed/<env>` to `commit` (annotated with who/what deployed it) and pushes it. */
export function markDeployed(cwd: string, env: Environment, commit = 'HEAD', remote = 'origin', note = ''): string {
  const sha = git(cwd, ['rev-parse', '--verify', `${commit}^{commit}`]);
  const tag = deployedTag(env);
  git(cwd, ['-c', 'user.name=tradai-deploy', '-c', 'user.email=deploy@tradai.invalid', 'tag', '--force', '--annotate', tag, '-m', `${env} runs ${sha}${note ? ` (${note})` : ''}`, sha]);
  git(cwd, ['push', '--quiet', '--force', remote, `refs/tags/${tag}`]);
  return sha;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const { positionals, values } = parseArgs({ allowPositionals: true, options: { remote: { type: 'string', default: 'origin' } } });
    const [command, envName, commit] = positionals;
    if ((command !== 'show' && command !== 'mark') || !envName) throw new Error(`usage: deployed show <env> | mark <env> [commit] (env: ${ENVIRONMENTS.join(', ')})`);
    const env = parseEnvironment(envName);
    const cwd = process.cwd();
    if (command === 'show') console.log(deployedCommit(cwd, env, values.remote));
    else {
      const run = process.env['GITHUB_RUN_ID'] ? `${process.env['GITHUB_SERVER_URL']}/${process.env['GITHUB_REPOSITORY']}/actions/runs/${process.env['GITHUB_RUN_ID']}` : '';
      console.log(`${deployedTag(env)} -> ${markDeployed(cwd, env, commit, values.remote, run)}`);
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
