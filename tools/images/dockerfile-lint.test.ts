import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCKERFILE_POLICIES, lintDockerfile, lintDockerfiles } from './dockerfile-lint.js';

const dockerDir = resolve(import.meta.dirname, '..', '..', 'docker');
const service = DOCKERFILE_POLICIES['service.Dockerfile']!;

const good = `ARG BASE_IMAGE=node:22-alpine
FROM \${BASE_IMAGE}
WORKDIR /app
COPY main.mjs package.json /app/
USER node
HEALTHCHECK --interval=30s CMD ["node", "-e", "process.exit(0)"]
CMD ["node", "/app/main.mjs"]
`;

describe('the Dockerfiles of docker/', () => {
  it('have zero problems, syntax (dockerfile-utils) and house rules alike', () => {
    const results = lintDockerfiles(dockerDir);
    expect(Object.keys(results).sort()).toEqual(['lambda.Dockerfile', 'mlflow.Dockerfile', 'service.Dockerfile', 'strategy.Dockerfile']);
    expect(results).toEqual({ 'lambda.Dockerfile': [], 'mlflow.Dockerfile': [], 'service.Dockerfile': [], 'strategy.Dockerfile': [] });
  });

  it('fail a Dockerfile that has no policy, so a new one cannot skip the lint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'df-'));
    writeFileSync(join(dir, 'worker.Dockerfile'), good);
    expect(lintDockerfiles(dir)['worker.Dockerfile']).toEqual([
      { line: 1, message: 'no lint policy for worker.Dockerfile: add it to DOCKERFILE_POLICIES in tools/images/dockerfile-lint.ts', source: 'policy' },
    ]);
  });
});

describe('lintDockerfile', () => {
  it('passes a minimal service Dockerfile', () => {
    expect(lintDockerfile(good, service)).toEqual([]);
  });

  it('flags syntax errors through dockerfile-utils, with their line', () => {
    const bad = good
      .replace('HEALTHCHECK --interval=30s', 'HEALTHCHECK --interval=30x')
      .replace('WORKDIR /app', 'WORKDIR /app\nEXPOSE 80a')
      .replace('COPY main.mjs package.json /app/', 'COPY main.mjs')
      .replace('CMD ["node", "/app/main.mjs"]', "CMD ['node', '/app/main.mjs']");
    expect(lintDockerfile(bad, service).filter((p) => p.source === 'dockerfile-utils')).toEqual([
      { line: 4, message: 'Invalid containerPort: 80a', source: 'dockerfile-utils' },
      { line: 5, message: 'COPY requires at least two arguments', source: 'dockerfile-utils' },
      { line: 7, message: 'time: unknown unit x in duration 30x', source: 'dockerfile-utils' },
      { line: 8, message: 'Instruction written as a JSON array but is using single quotes instead of double quotes', source: 'dockerfile-utils' },
    ]);
  });

  it('flags a root or missing user, a missing healthcheck and a COPY of the whole context', () => {
    const bad = good.replace('USER node', 'USER root:root').replace(/HEALTHCHECK.*\n/, '').replace('COPY main.mjs package.json /app/', 'COPY . /app/');
    expect(lintDockerfile(bad, service)).toEqual([
      { line: 4, message: 'COPY .: name the runtime files, so nothing else in the context reaches the image', source: 'policy' },
      { line: 5, message: 'USER root:root: the process must not run as root', source: 'policy' },
      { line: 2, message: 'a service image needs a HEALTHCHECK in its final stage', source: 'policy' },
    ].sort((a, b) => a.line - b.line));
    expect(lintDockerfile(good.replace('USER node\n', ''), service)).toContainEqual({ line: 2, message: 'the final stage has no USER: the process would run as root', source: 'policy' });
    expect(lintDockerfile(good.replace(/HEALTHCHECK.*\n/, 'HEALTHCHECK NONE\n'), service)).toContainEqual(expect.objectContaining({ message: 'a service image needs a HEALTHCHECK in its final stage' }));
  });

  it('requires an overridable base with a pinned default and no fixed or remote sources', () => {
    expect(lintDockerfile(good.replace('node:22-alpine', 'node'), service)).toEqual([
      { line: 1, message: 'ARG BASE_IMAGE default must be pinned by tag or digest (not :latest), got "node"', source: 'policy' },
    ]);
    expect(lintDockerfile(good.replace('node:22-alpine', 'localhost:5000/node:latest'), service)[0]!.message).toContain('not :latest');
    const fixed = good.replace('ARG BASE_IMAGE=node:22-alpine\nFROM ${BASE_IMAGE}', 'FROM node:22').replace('COPY main.mjs', 'ADD https://example.com/x.tgz /app/\nCOPY main.mjs');
    expect(lintDockerfile(fixed, service).map((p) => p.message)).toEqual([
      'declare ARG BASE_IMAGE=<image> before the first FROM so builds can swap the base image',
      'FROM node:22: build from ${BASE_IMAGE} (or an earlier stage), not a fixed image',
      'use COPY, not ADD (no remote URLs or archive unpacking in images)',
    ]);
  });

  it('checks the final stage only: a build stage may run as root, and COPY --from a stage is fine', () => {
    const multi = `ARG BASE_IMAGE=python:3.12
FROM \${BASE_IMAGE} AS deps
COPY . /src
RUN pip install --prefix=/install /src

FROM \${BASE_IMAGE}
COPY --from=deps /install /usr/local
USER 65534:65534
HEALTHCHECK CMD ["python", "-c", "0"]
CMD ["python"]
`;
    expect(lintDockerfile(multi, service)).toEqual([]);
    expect(lintDockerfile(multi.replace('USER 65534:65534\n', ''), service).map((p) => p.line)).toEqual([6]);
  });
});
