/**
 * The built pack under Pulumi's own policy host code: `@pulumi/pulumi/cmd/run-policy-pack` (what
 * the CLI's pulumi-analyzer-policy plugin runs) loads dist/policy-pack, and the test speaks the
 * Analyzer gRPC protocol to it as the Pulumi engine does during preview/up. Only the Pulumi CLI
 * itself is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@tradai/infra-shared';
import { RULES } from '../rules/index.js';
import { buildPolicyPack } from './build.js';

const root = findWorkspaceRoot();
const PLAN_DIR = join(root, 'tools', 'reports', '__fixtures__', 'plans');
// The engine's side of the protocol, from the generated stubs @pulumi/pulumi ships (CommonJS).
const require_ = createRequire(join(root, 'node_modules', '@pulumi', 'pulumi', 'package.json'));
/* eslint-disable @typescript-eslint/no-explicit-any */
const grpc = require_('@grpc/grpc-js') as any;
const services = require_('./proto/analyzer_grpc_pb.js') as any;
const messages = require_('./proto/analyzer_pb.js') as any;
const { Struct } = require_('google-protobuf/google/protobuf/struct_pb.js') as any;
const { Empty } = require_('google-protobuf/google/protobuf/empty_pb.js') as any;

interface Diagnostic {
  policyName: string;
  message: string;
  enforcementLevel: number;
  urn: string;
}

let dir = '';
let host: ChildProcess | undefined;
let client: any;

/** Starts run-policy-pack on a pack folder; resolves with its gRPC port. */
function startHost(packDir: string, plans: string): Promise<{ child: ChildProcess; port: string }> {
  const child = spawn(process.execPath, [join(root, 'node_modules', '@pulumi', 'pulumi', 'cmd', 'run-policy-pack'), '127.0.0.1:0', '.'], {
    cwd: packDir,
    env: { ...process.env, NODE_PATH: join(root, 'node_modules'), TRADAI_POLICY_PLANS: plans },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      const m = /^(\d+)\s*$/m.exec(stdout);
      if (m) resolve({ child, port: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`the policy host exited with ${code}: ${stderr}`)));
  });
}

const call = <T>(method: string, request: unknown): Promise<T> =>
  new Promise((resolve, reject) => client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));

const diagnostics = (res: any): Diagnostic[] => res.getDiagnosticsList().map((d: any) => ({ policyName: d.getPolicyname(), message: d.getMessage(), enforcementLevel: d.getEnforcementlevel(), urn: d.getUrn() }));

function analyzeRequest(type: string, name: string, urn: string, props: Record<string, unknown>): unknown {
  const req = new messages.AnalyzeRequest();
  req.setType(type);
  req.setName(name);
  req.setUrn(urn);
  req.setProperties(Struct.fromJavaScript(props));
  req.setOptions(new messages.AnalyzerResourceOptions());
  return req;
}

function stackResource(type: string, name: string, urn: string, props: Record<string, unknown>): unknown {
  const r = new messages.AnalyzerResource();
  r.setType(type);
  r.setName(name);
  r.setUrn(urn);
  r.setProperties(Struct.fromJavaScript(props));
  // The engine always sends the resource options.
  r.setOptions(new messages.AnalyzerResourceOptions());
  return r;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'policy-host-'));
  await buildPolicyPack(root, dir);
  const started = await startHost(dir, PLAN_DIR);
  host = started.child;
  client = new services.AnalyzerClient(`127.0.0.1:${started.port}`, grpc.credentials.createInsecure());
}, 120_000);

afterAll(() => {
  client?.close();
  host?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('the policy pack under Pulumi policy host code, over gRPC', () => {
  it('announces one mandatory policy per rule', async () => {
    const info: any = await call('getAnalyzerInfo', new Empty());
    expect(info.getName()).toBe('tradai');
    const policies = info.getPoliciesList();
    expect(policies.map((p: any) => p.getName())).toEqual(RULES.map((r) => r.id));
    expect(new Set(policies.map((p: any) => p.getEnforcementlevel()))).toEqual(new Set([messages.EnforcementLevel.MANDATORY]));
  });

  it('reports a mandatory violation on a resource before it is created, and none on a compliant one', async () => {
    const urn = 'urn:pulumi:prod::tradai-persistent::tradai:persistent:DynamoDB$aws:dynamodb/table:Table::dynamodb-trading_state';
    const table = { name: 'tradai-trading-state-prod', hashKey: 'pk', billingMode: 'PAY_PER_REQUEST', serverSideEncryption: { enabled: true }, deletionProtectionEnabled: true, pointInTimeRecovery: { enabled: true } };
    const ok = diagnostics(await call('analyze', analyzeRequest('aws:dynamodb/table:Table', 'dynamodb-trading_state', urn, table)));
    expect(ok).toEqual([]);
    const bad = diagnostics(await call('analyze', analyzeRequest('aws:dynamodb/table:Table', 'dynamodb-trading_state', urn, { ...table, pointInTimeRecovery: { enabled: false } })));
    expect(bad).toEqual([
      expect.objectContaining({ policyName: 'TRADAI-DDB-001', enforcementLevel: messages.EnforcementLevel.MANDATORY, message: expect.stringContaining('pointInTimeRecovery.enabled') }),
    ]);
  });

  it('during preview, an input not known yet makes the check advisory; Pulumi checks again before the update', async () => {
    // The engine's marker for an unknown value (a property that depends on a resource not created yet).
    const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
    const urn = 'urn:pulumi:dev::tradai-persistent::aws:dynamodb/table:Table::dynamodb-trading_state';
    const res = diagnostics(await call('analyze', analyzeRequest('aws:dynamodb/table:Table', 'dynamodb-trading_state', urn, { name: 'tradai-trading-state-dev', pointInTimeRecovery: UNKNOWN, serverSideEncryption: { enabled: true } })));
    expect(res.filter((d) => d.policyName === 'TRADAI-DDB-001')).toEqual([
      expect.objectContaining({ enforcementLevel: messages.EnforcementLevel.ADVISORY, message: expect.stringContaining("can't run policy 'TRADAI-DDB-001'") }),
    ]);
  });

  it('checks a whole stack with the other layers from the plans: world-open HTTPS only on the ALB group', async () => {
    // As deployed: AWS's own id, in the group's outputs and in its rule; compute's ALB (from the
    // committed plan) names the group by its planned id, which the pack derives from the group.
    const sgId = 'sg-0feedface00000001';
    const stack = (port: number) => {
      const req = new messages.AnalyzeStackRequest();
      req.setResourcesList([
        stackResource('aws:ec2/securityGroup:SecurityGroup', 'sg-alb', 'urn:pulumi:dev::tradai-foundation::aws:ec2/securityGroup:SecurityGroup::sg-alb', {
          id: sgId,
          name: 'tradai-alb-sg-dev',
          description: 'Application Load Balancer',
          vpcId: 'vpc-0feedface00000002',
        }),
        stackResource('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule', 'sg-alb-https', 'urn:pulumi:dev::tradai-foundation::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::sg-alb-https', {
          securityGroupId: sgId,
          cidrIpv4: '0.0.0.0/0',
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          description: 'from the internet',
        }),
      ]);
      return req;
    };
    const sg001 = async (port: number) => diagnostics(await call('analyzeStack', stack(port))).filter((d) => d.policyName === 'TRADAI-SG-001');
    expect(await sg001(443)).toEqual([]);
    expect(await sg001(22)).toEqual([
      expect.objectContaining({ enforcementLevel: messages.EnforcementLevel.MANDATORY, message: expect.stringContaining('admits tcp 22 from 0.0.0.0/0'), urn: expect.stringContaining('::sg-alb-https') }),
    ]);
  });

  it('fails the stack check, naming the command, when a plan it needs is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-plans-'));
    const started = await startHost(dir, empty);
    const other = new services.AnalyzerClient(`127.0.0.1:${started.port}`, grpc.credentials.createInsecure());
    try {
      const req = new messages.AnalyzeStackRequest();
      req.setResourcesList([stackResource('aws:ec2/securityGroup:SecurityGroup', 'sg', 'urn:pulumi:staging::tradai-foundation::aws:ec2/securityGroup:SecurityGroup::sg', { name: 'x' })]);
      const err = await new Promise<Error>((resolve) => other.analyzeStack(req, (e: Error | null) => resolve(e!)));
      expect(err.message).toContain('npx nx run-many -t synth -c staging');
    } finally {
      other.close();
      started.child.kill();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
