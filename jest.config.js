// One jest run for the monorepo: contracts and design-system unit tests, and the API's unit and
// integration tests against a real database (Postgres when DATABASE_URL is set, PGlite otherwise).
const tsJest = (tsconfig) => ['ts-jest', { tsconfig }];

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  projects: [
    {
      displayName: 'contracts',
      testEnvironment: 'node',
      roots: ['<rootDir>/packages/workflow-contracts/src'],
      transform: { '^.+\\.tsx?$': tsJest('<rootDir>/packages/workflow-contracts/tsconfig.json') },
    },
    {
      displayName: 'design-system',
      testEnvironment: 'node',
      roots: ['<rootDir>/packages/design-system/src'],
      transform: { '^.+\\.tsx?$': tsJest('<rootDir>/packages/design-system/tsconfig.json') },
    },
    {
      displayName: 'api',
      testEnvironment: 'node',
      roots: ['<rootDir>/apps/api/src', '<rootDir>/apps/api/test'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.tsx?$': tsJest('<rootDir>/apps/api/tsconfig.json') },
      globalSetup: '<rootDir>/apps/api/test/global-setup.ts',
      globalTeardown: '<rootDir>/apps/api/test/global-teardown.ts',
    },
  ],
  collectCoverageFrom: [
    'apps/api/src/**/*.ts',
    'packages/*/src/**/*.{ts,tsx}',
    // Process entry point: exercised by the spawned-process tests (test/process.test.ts), which
    // jest cannot instrument.
    '!apps/api/src/main.ts',
    '!**/*.test.{ts,tsx}',
  ],
  coverageReporters: ['text-summary', 'json-summary'],
  coverageThreshold: {
    global: { lines: 80, branches: 80 },
    './apps/api/src/': { lines: 80, branches: 80 },
    './packages/': { lines: 80, branches: 80 },
  },
};
