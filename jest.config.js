const ESM_ONLY = ['openid-client', 'oauth4webapi', 'jose'];

/** Four layers, each starting only the servers it needs (see test/setup/). */
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
  // openid-client and its dependencies are ES modules only: jest loads them as CommonJS.
  [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: [
    '@swc/jest',
    { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};
const common = {
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  // In CI a test that times out inside a worker's run leaves that worker polling its (stopped)
  // server: report the failure and exit rather than wait for the job's time limit.
  forceExit: process.env.CI === 'true',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      setupFilesAfterEnv: ['<rootDir>/test/setup/server-tests.ts'],
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/setup/postgres.global.ts',
      globalTeardown: '<rootDir>/test/setup/postgres.teardown.ts',
    },
    {
      ...common,
      displayName: 'workflows',
      setupFilesAfterEnv: ['<rootDir>/test/setup/server-tests.ts'],
      testMatch: ['<rootDir>/test/workflows/**/*.test.ts'],
      globalSetup: '<rootDir>/test/setup/time-skipping.global.ts',
      globalTeardown: '<rootDir>/test/setup/time-skipping.teardown.ts',
    },
    {
      ...common,
      displayName: 'api',
      setupFilesAfterEnv: ['<rootDir>/test/setup/server-tests.ts'],
      // The customer pages' browser tests (test/web) run against the same servers as the API's.
      testMatch: ['<rootDir>/test/api/**/*.test.ts', '<rootDir>/test/web/**/*.test.ts'],
      globalSetup: '<rootDir>/test/setup/dev-server.global.ts',
      globalTeardown: '<rootDir>/test/setup/dev-server.teardown.ts',
    },
  ],
};
