// One jest project per test layer (STYLE.md §8). ESM throughout: run with --experimental-vm-modules.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
  },
];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@promfetcher/core$': '<rootDir>/packages/core/src/index.ts',
    '^@promfetcher/core/testing$': '<rootDir>/packages/core/src/testing/index.ts',
    '^@promfetcher/(adapter-[a-z]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/jest.setup.js'],
  rootDir: '.',
};
export default {
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/packages/*/src/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.(contract|int|e2e)\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'contract',
      testMatch: ['<rootDir>/packages/*/{src,test}/**/*.contract.test.ts'],
    },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/packages/*/test/**/*.int.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/packages/*/test/**/*.e2e.test.ts'] },
  ],
};
