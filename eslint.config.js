// Lint: TypeScript rules everywhere, and the determinism fence around workflow and shared code.
const tseslint = require('typescript-eslint');

/** Packages that run in Temporal's workflow sandbox (regular expressions: the whole specifier). */
const SANDBOX_SAFE_PACKAGES = [
  '@temporalio/workflow',
  '@temporalio/common',
  '@temporalio/interceptors-opentelemetry/lib/workflow',
  '@opentelemetry/api',
  'zod',
  're2js',
  '@noble/hashes/[\\w.-]+',
  '@noble/curves/[\\w.-]+',
];
/** Folders of deterministic code, as they appear in a relative import. */
const SANDBOX_FOLDERS = ['\\.', '\\.\\.', 'shared', 'workflows', 'kernel', 'research', 'observers', 'agent'];

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
      // An allow-list: what deterministic code may import. Anything else (Node, the client, the
      // worker, activities' code, files, config) is refused, including folders added later.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(?![.])(?!(${SANDBOX_SAFE_PACKAGES.join('|')})$)`,
              message: `workflow and shared code import only ${SANDBOX_SAFE_PACKAGES.map((p) => p.replace('[\\w.-]+', '*')).join(', ')}`,
            },
            {
              // Every folder a relative import passes through is sandbox code (the one telemetry table excepted).
              regex: `^(?=[.])(?!.*/telemetry/tool-attributes$).*(^|/)(?!(${SANDBOX_FOLDERS.join('|')})/)[^/]+/`,
              allowTypeImports: true,
              message: 'not sandbox code: workflow and shared code import from src/workflows and src/shared (types from anywhere)',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'require'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use the workflow uuid4/random' }],
    },
  },
);
