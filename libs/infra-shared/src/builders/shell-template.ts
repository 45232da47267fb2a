import nunjucks from 'nunjucks';

/** Template file extension for user-data scripts. */
export const SHELL_TEMPLATE_EXTENSION = '.sh.njk';

/**
 * Quotes a value as one POSIX shell word: wrapped in single quotes, each `'` written as `'\''`.
 * Inside single quotes nothing is special (no `$`, backtick or backslash expansion, newlines are
 * literal), so the word always reaches the command unchanged.
 */
export function shquote(value: unknown): string {
  if (value === undefined || value === null) throw new Error(`shquote filter: value is ${value}`);
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new Error(`shquote filter: cannot quote a ${Array.isArray(value) ? 'list' : typeof value}; quote each item`);
  }
  return `'${String(value).replace(/'/g, `'\\''`)}'`;
}

/**
 * nunjucks environment for `.sh.njk` user-data templates (seed: make_shell_template_env):
 * a missing variable throws (throwOnUndefined), autoescape is off, and `{{ value | shquote }}`
 * quotes a value for the shell.
 */
export function makeShellTemplateEnv(dir: string): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(dir, { noCache: true }), {
    throwOnUndefined: true,
    autoescape: false,
  });
  env.addFilter('shquote', shquote);
  return env;
}

/**
 * Renders `name` (`bootstrap` or `bootstrap.sh.njk`) and checks the script starts with a shebang:
 * cloud-init runs user data as a script only when it does. Errors name the template.
 */
export function renderShellTemplate(env: nunjucks.Environment, name: string, vars: Record<string, unknown>): string {
  const file = name.endsWith('.njk') ? name : `${name}${SHELL_TEMPLATE_EXTENSION}`;
  let text: string;
  try {
    text = env.render(file, vars);
  } catch (error) {
    throw new Error(`shell template ${file}: render failed: ${(error as Error).message}`);
  }
  if (!text.startsWith('#!')) {
    throw new Error(`shell template ${file}: rendered script does not start with a shebang (#!), got ${JSON.stringify(text.slice(0, 20))}`);
  }
  return text;
}
