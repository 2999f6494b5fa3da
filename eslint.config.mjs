// Lint: typescript-eslint recommended, plus the project's layering rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const IO_MODULES = [{ group: ['node:*', 'fs', 'pg', 'kysely'], message: 'no I/O here (ARCHITECTURE.md)' }];
const TEMPORAL_ANY = { group: ['@temporalio/*'], message: 'no Temporal SDK here' };
const TEMPORAL_WORKFLOW = { group: ['@temporalio/workflow'], message: 'workflow APIs belong in workflows/' };
const ALL_LAYERS = [
  'db',
  'adapters',
  'activities',
  'workflows',
  'api',
  'web',
  'workers',
  'platform',
  'texts',
  'simulator',
  'bench',
  'domain',
];
/** A pattern refusing relative imports of the given top-level folders, from any depth. */
function layers(...names) {
  return {
    regex: `^(\\.\\./)+(${names.join('|')})(/|$)`,
    message: 'imports run one way (ARCHITECTURE.md)',
  };
}

const API_PATTERNS = [TEMPORAL_WORKFLOW, layers('activities', 'workers', 'simulator', 'bench')];

export default tseslint.config(
  { ignores: ['node_modules', 'dist', '.data', '.venv', 'coverage', 'test/fixtures'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // Imports run one way (ARCHITECTURE.md): api/ and web/ → workflows/ (messages only), db/,
  // domain/, texts/; workflows/ → domain/, texts/ and activity types; activities/ → db/,
  // adapters/, domain/, texts/; db/ → domain/; texts/ → domain/; domain/ → nothing.
  {
    // domain/ is pure: no I/O, no clock, no randomness.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...IO_MODULES, TEMPORAL_ANY, layers(...ALL_LAYERS)] }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'time comes in as an argument' },
        { object: 'Math', property: 'random', message: 'domain/ is deterministic' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'time comes in as an argument' },
      ],
    },
  },
  {
    // Texts customers read are pure too: they may use domain/ only.
    files: ['texts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...IO_MODULES, TEMPORAL_ANY, layers(...ALL_LAYERS.filter((l) => l !== 'domain'))] },
      ],
    },
  },
  {
    // Workflows are deterministic orchestration: activities are imported as types only.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...IO_MODULES,
            layers('db', 'adapters', 'platform', 'api', 'web', 'workers', 'simulator', 'bench'),
            { ...layers('activities'), allowTypeImports: true },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [TEMPORAL_WORKFLOW, layers('workflows', 'api', 'web', 'workers', 'simulator', 'bench')] },
      ],
    },
  },
  {
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            TEMPORAL_ANY,
            layers('workflows', 'activities', 'adapters', 'api', 'web', 'workers', 'texts', 'simulator', 'bench'),
          ],
        },
      ],
    },
  },
  {
    files: ['adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            TEMPORAL_WORKFLOW,
            layers('workflows', 'activities', 'db', 'api', 'web', 'workers', 'texts', 'simulator', 'bench'),
          ],
        },
      ],
    },
  },
  {
    // api/ and web/ hold no business rules: they reach workflows through their messages and the
    // Temporal client, never through activities.
    files: ['api/**/*.ts', 'web/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: API_PATTERNS }] },
  },
  {
    // A route never imports another route: what two routes share lives in api/ or below.
    files: ['api/routes/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...API_PATTERNS, { regex: '^\\./', message: 'a route never imports another route' }] },
      ],
    },
  },
  {
    // A folder of routes (api/routes/collection/) has an index that registers its features: the one
    // module that imports routes.
    files: ['api/routes/*/index.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: API_PATTERNS }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' },
    },
  },
);
