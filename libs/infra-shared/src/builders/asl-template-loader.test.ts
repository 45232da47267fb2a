import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AslTemplateError, AslTemplateLoader, aslPolicyProblems } from './asl-template-loader.js';

const DIR = fileURLToPath(new URL('./__fixtures__/asl', import.meta.url));
const loader = new AslTemplateLoader(DIR);

const ARN = (resource: string) => `arn:aws:${resource}`;
const WORKFLOW_VARS = {
  comment: 'Backtest "quoted" workflow',
  timeout_seconds: 7200,
  validate_arn: ARN('lambda:eu-central-1:123456789012:function:tradai-validate-strategy-dev'),
  cluster_arn: ARN('ecs:eu-central-1:123456789012:cluster/tradai-dev'),
  task_definition_arn: ARN('ecs:eu-central-1:123456789012:task-definition/tradai-strategy-dev:1'),
  subnets: ['subnet-a', 'subnet-b'],
  task_timeout_seconds: 3600,
};

describe('AslTemplateLoader', () => {
  it('renders, parses and validates a workflow, injecting values with the json filter', () => {
    const asl = loader.render('workflow', WORKFLOW_VARS);
    expect(asl.StartAt).toBe('Validate');
    expect(asl.Comment).toBe('Backtest "quoted" workflow');
    expect(asl.TimeoutSeconds).toBe(7200);
    const run = asl.States['Run'] as { Parameters: { Cluster: string; NetworkConfiguration: { AwsvpcConfiguration: { Subnets: string[] } } }; TimeoutSeconds: number };
    expect(run.Parameters.Cluster).toBe(WORKFLOW_VARS.cluster_arn);
    expect(run.Parameters.NetworkConfiguration.AwsvpcConfiguration.Subnets).toEqual(['subnet-a', 'subnet-b']);
    expect(run.TimeoutSeconds).toBe(3600);
    // The validator's default QueryLanguage must not leak into the result.
    expect(JSON.stringify(asl)).not.toContain('QueryLanguage');
  });

  it('accepts the file name with its extension and renders JSON text', () => {
    expect(JSON.parse(loader.renderJson('workflow.json.njk', WORKFLOW_VARS))).toEqual(loader.render('workflow', WORKFLOW_VARS));
  });

  it('throws on a missing variable, naming the template', () => {
    const { subnets: _omit, ...vars } = WORKFLOW_VARS;
    expect(() => loader.render('workflow', vars)).toThrow(AslTemplateError);
    expect(() => loader.render('workflow', vars)).toThrow(/ASL template workflow.json.njk: render failed: .*(undefined|null)/s);
    const { task_timeout_seconds: _t, ...noTimeout } = WORKFLOW_VARS;
    expect(() => loader.render('workflow', noTimeout)).toThrow(/render failed/);
  });

  it('throws on a missing template, naming it', () => {
    expect(() => loader.render('nope', {})).toThrow(/ASL template nope.json.njk: render failed: .*not found/s);
  });

  it('reports JSON parse errors with the position and the offending line', () => {
    expect(() => loader.render('trailing-comma', {})).toThrow(/ASL template trailing-comma.json.njk: rendered output is not valid JSON at line 5 column 3: .*\n {2}5: {3}}/s);
  });

  it('lists asl-validator errors', () => {
    expect(() => loader.render('dangling-next', { next_state: 'Nowhere' })).toThrow(/ASL template dangling-next.json.njk: invalid ASL:\n {2}- MISSING_TRANSITION_TARGET: .*Nowhere/s);
  });

  it('refuses JSONata and Assign, which aws-local-stepfunctions ignores', () => {
    expect(() => loader.render('jsonata', {})).toThrow(/refused:\n {2}- \$: QueryLanguage "JSONata" is refused/);
    expect(() => loader.render('assign', {})).toThrow(/\$\.States\.Remember: "Assign" is refused/);
  });

  it('refuses a Task without a timeout, naming the state even inside a Parallel branch', () => {
    expect(() => loader.render('missing-timeout', { function_arn: WORKFLOW_VARS.validate_arn })).toThrow(/state "Inner" \(\$\.States\.Outer\.Branches\[0\]\.States\): Task has no TimeoutSeconds/);
  });

  it('json filter refuses undefined; `is defined` makes a variable optional', () => {
    expect(loader.render('conditional', {}).States['Done']).toEqual({ Type: 'Succeed' });
    expect(loader.render('conditional', { comment: 'x' }).States['Done']).toEqual({ Type: 'Succeed', Comment: 'x' });
  });

  it('does not autoescape', () => {
    const asl = loader.render('workflow', { ...WORKFLOW_VARS, comment: '<a & b>' });
    expect(asl.Comment).toBe('<a & b>');
  });
});

describe('aslPolicyProblems', () => {
  it('accepts TimeoutSecondsPath and finds nested problems', () => {
    expect(aslPolicyProblems({ StartAt: 'A', States: { A: { Type: 'Task', TimeoutSecondsPath: '$.t', End: true } } })).toEqual([]);
    const problems = aslPolicyProblems({
      StartAt: 'M',
      States: { M: { Type: 'Map', QueryLanguage: 'JSONata', ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', End: true } } }, End: true } },
    });
    expect(problems).toEqual([
      '$.States.M: QueryLanguage "JSONata" is refused (aws-local-stepfunctions ignores it; use JSONPath)',
      'state "T" ($.States.M.ItemProcessor.States): Task has no TimeoutSeconds or TimeoutSecondsPath',
    ]);
  });
});
