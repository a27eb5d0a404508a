// Lint: TypeScript rules everywhere, and the determinism fence around workflow and shared code.
const tseslint = require('typescript-eslint');
const { builtinModules } = require('node:module');

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', '.temporal/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox; shared code is imported by it.
    files: ['src/workflows/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins,
          patterns: [
            {
              group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@temporalio/testing'],
              message: 'not sandbox-safe',
            },
            { group: ['openai'], message: 'models belong to activities' },
            { group: ['**/activities', '**/activities/**'], allowTypeImports: true, message: 'import activities as types only' },
            {
              group: [
                '**/client/**',
                '**/worker/**',
                '**/dev-server/**',
                '**/toolchain/**',
                '**/config/**',
                '**/paths',
                '**/observability/**',
                '**/codec/**',
                '**/files/**',
              ],
              message: 'not sandbox-safe',
            },
            // Of the telemetry modules only the pure attribute table may enter the sandbox.
            { group: ['**/telemetry/*', '!**/telemetry/tool-attributes'], message: 'not sandbox-safe: worker-side telemetry' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'require'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use the workflow uuid4/random' }],
    },
  },
);
