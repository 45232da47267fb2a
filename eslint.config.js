import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * Boundaries are the point of this file: runtime code (Lambdas, services, their libs) may not
 * import Pulumi, and stacks may not import handler code. Tags live in each project.json.
 */
const boundaries = {
  enforceBuildableLibDependency: false,
  allow: [],
  banTransitiveDependencies: false,
  depConstraints: [
    {
      sourceTag: 'scope:runtime',
      onlyDependOnLibsWithTags: ['scope:runtime', 'scope:shared'],
      bannedExternalImports: ['@pulumi/*', 'nunjucks'],
    },
    {
      sourceTag: 'scope:infra',
      onlyDependOnLibsWithTags: ['scope:infra', 'scope:shared'],
    },
    {
      sourceTag: 'scope:shared',
      onlyDependOnLibsWithTags: ['scope:shared'],
      bannedExternalImports: ['@pulumi/*', '@aws-sdk/*', '@aws-lambda-powertools/*'],
    },
    { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'type:lambda', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'type:strategy', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'type:stack', onlyDependOnLibsWithTags: ['type:lib'] },
    // End-to-end tests may use any project; nothing imports them (they are applications).
    { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['*'] },
    { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
  ],
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '.nx/**', '.stryker-tmp/**', '**/*.json.njk', '**/*.sh.njk'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries],
      // Parsed-then-checked values (args, regex groups) are asserted once where the check happened.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow tests drive the deployed entry points themselves: the Lambda handlers, the strategies
    // the strategy task runs and the compute stack's local workflow runner, which no library exports,
    // through the harness the local platform owns. Only these imports, only from tests/.
    files: ['tests/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          ...boundaries,
          allow: ['../../../apps/lambdas/**/src/handler.js', '../../../apps/strategies/**/src/strategy.js', '../../../infra/compute/test-support.js', '../../../apps/platform/src/*'],
        },
      ],
    },
  },
  {
    // The image e2e starts each image with the environment the compute stack gives it: its env builders.
    files: ['tools/images/e2e/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          ...boundaries,
          allow: ['../../../infra/compute/modules/ecs_services.logic.js', '../../../infra/compute/modules/ecs.logic.js', '../../../infra/compute/modules/lambda_funcs.logic.js'],
        },
      ],
    },
  },
  {
    // A trading image has no strategy sources at run time: its catalog imports the strategies so
    // esbuild bundles them. Only the catalog file, only the strategy modules.
    files: ['apps/services/live-trading/src/strategies.ts', 'apps/services/dry-run-trading/src/strategies.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { ...boundaries, allow: ['../../../strategies/**/src/strategy.js'] }],
    },
  },
  {
    // The local platform (apps/platform) runs the same entry points as the workflow tests (it owns
    // their harness), and builds its resources from the stacks' own pure definitions: the service
    // environment, the state machine ARNs, the queue settings, the API Gateway route plan.
    files: ['apps/platform/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          ...boundaries,
          allow: [
            '../../lambdas/**/src/handler.js',
            '../../strategies/**/src/strategy.js',
            '../../../infra/compute/test-support.js',
            '../../../infra/compute/modules/arns.js',
            '../../../infra/compute/modules/ecs_services.logic.js',
            '../../../infra/foundation/modules/sqs.logic.js',
            '../../../infra/edge/modules/api_gateway.logic.js',
          ],
        },
      ],
    },
  },
];
