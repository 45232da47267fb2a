import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_ETC, packageClosure, parseLdd, workspaceSdkPackages } from './base-image.js';

describe('parseLdd', () => {
  it('lists every library and the loader, skipping the vDSO', () => {
    const out = `\tlinux-vdso.so.1 (0x00007ffc)
\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007fd5)
\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007fd5)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fd5)
\t/lib64/ld-linux-x86-64.so.2 (0x00007fd5)
`;
    expect(parseLdd(out)).toEqual(['/lib/x86_64-linux-gnu/libdl.so.2', '/lib/x86_64-linux-gnu/libstdc++.so.6', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
    expect(parseLdd('\tstatically linked\n')).toEqual([]);
  });

  it('refuses a binary with a missing library, naming it', () => {
    expect(() => parseLdd('\tlibfoo.so.1 => not found\n')).toThrow('ldd: libfoo.so.1 not found: the binary cannot run in an image built from it');
    expect(() => parseLdd('\tsomething odd\n')).toThrow('ldd: unexpected line "something odd"');
  });
});

describe('the Lambda base SDK', () => {
  it('is every @aws-sdk package the workspace declares', () => {
    expect(workspaceSdkPackages({ dependencies: { '@aws-sdk/client-s3': '1', zod: '4' }, devDependencies: { '@aws-sdk/client-dynamodb': '1', '@pulumi/aws': '7' } })).toEqual([
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-s3',
    ]);
  });

  function pkg(dir: string, deps: Record<string, string> = {}, optional: Record<string, string> = {}) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: deps, optionalDependencies: optional }));
  }

  it('takes each package with its dependencies, resolved like Node (nested copy first, hoisted otherwise)', () => {
    const nm = join(mkdtempSync(join(tmpdir(), 'closure-')), 'node_modules');
    pkg(join(nm, '@aws-sdk/client-s3'), { '@smithy/core': '1', tslib: '2' }, { 'not-installed': '1' });
    pkg(join(nm, '@smithy/core'), { tslib: '2', uuid: '9' });
    pkg(join(nm, '@smithy/core/node_modules/uuid'));
    pkg(join(nm, 'uuid'));
    pkg(join(nm, 'tslib'));
    pkg(join(nm, 'unrelated'));
    expect(packageClosure(nm, ['@aws-sdk/client-s3'])).toEqual(['@aws-sdk/client-s3', '@smithy/core', '@smithy/core/node_modules/uuid', 'tslib']);
  });

  it('names the missing package and who needs it', () => {
    const nm = join(mkdtempSync(join(tmpdir(), 'closure-')), 'node_modules');
    pkg(join(nm, '@aws-sdk/client-s3'), { '@smithy/gone': '1' });
    expect(() => packageClosure(nm, ['@aws-sdk/client-s3'])).toThrow(`@smithy/gone (needed by @aws-sdk/client-s3) is not installed under ${nm}`);
    expect(() => packageClosure(nm, ['@aws-sdk/client-sqs'])).toThrow('@aws-sdk/client-sqs (needed by the caller) is not installed');
  });
});

describe('base /etc', () => {
  it('has the users the Dockerfiles run as: node (1000) and nobody (65534), root only as owner', () => {
    const users = BASE_ETC.passwd!.trim().split('\n').map((l) => l.split(':').slice(0, 3).join(':'));
    expect(users).toEqual(['root:x:0', 'node:x:1000', 'nobody:x:65534']);
  });
});
