import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeShellTemplateEnv, renderShellTemplate, shquote } from './shell-template.js';

const DIR = fileURLToPath(new URL('./__fixtures__/shell', import.meta.url));

/** What bash makes of `printf %s <word>`: proves the quoted word reaches the command unchanged. */
function throughBash(word: string): string {
  return execFileSync('bash', ['-c', `printf %s ${word}`], { encoding: 'utf8' });
}

describe('shquote', () => {
  it.each([
    ['plain', 'tradai-dev'],
    ['single quotes', "it's a 'test'"],
    ['dollar and backticks', '$HOME $(id) `whoami` ${X:-y}'],
    ['newlines', 'line one\nline two\n'],
    ['backslashes and double quotes', 'a\\b "c" \\n'],
    ['globs and separators', '* ; && | > /tmp/x'],
    ['empty', ''],
  ])('round-trips %s through bash', (_name, value) => {
    expect(throughBash(shquote(value))).toBe(value);
  });

  it('quotes a single quote as close-escape-reopen', () => {
    expect(shquote("a'b")).toBe(`'a'\\''b'`);
    expect(shquote(8000)).toBe(`'8000'`);
  });

  it('refuses undefined, null and lists', () => {
    expect(() => shquote(undefined)).toThrow('shquote filter: value is undefined');
    expect(() => shquote(null)).toThrow('shquote filter: value is null');
    expect(() => shquote(['a'])).toThrow(/cannot quote a list/);
  });
});

describe('makeShellTemplateEnv / renderShellTemplate', () => {
  const env = makeShellTemplateEnv(DIR);

  it('renders a user-data script with quoted values and a shebang', () => {
    const script = renderShellTemplate(env, 'bootstrap', { cluster: "tradai-dev'; rm -rf / #" });
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).toContain(`CLUSTER='tradai-dev'\\''; rm -rf / #'`);
    expect(renderShellTemplate(env, 'bootstrap.sh.njk', { cluster: 'x' })).toContain("CLUSTER='x'");
  });

  it('the rendered script runs and sees the exact value', () => {
    const value = 'a "b" $c\nd';
    const script = renderShellTemplate(env, 'bootstrap', { cluster: value }).replace('>> /etc/ecs/ecs.config', '');
    expect(execFileSync('bash', ['-c', script], { encoding: 'utf8' })).toBe(`ECS_CLUSTER=${value}\n`);
  });

  it('throws on a missing variable, naming the template', () => {
    expect(() => renderShellTemplate(env, 'bootstrap', {})).toThrow(/shell template bootstrap.sh.njk: render failed: .*value is undefined/s);
  });

  it('refuses a script without a shebang', () => {
    expect(() => renderShellTemplate(env, 'no-shebang', { message: 'hi' })).toThrow(/shell template no-shebang.sh.njk: rendered script does not start with a shebang/);
  });

  it('does not autoescape', () => {
    expect(renderShellTemplate(env, 'bootstrap', { cluster: '<&>' })).toContain(`CLUSTER='<&>'`);
  });
});
