// Three levels, selected by file suffix: unit (no I/O), integration (real Postgres/Kafka/event
// store), e2e (through HTTP and Kafka). ts-jest only transpiles; `npm run typecheck` type-checks
// the whole tree once instead of once per test file.
const moduleNameMapper = {
  '^@ledger/testing$': '<rootDir>/test/support',
  '^@ledger/(.*)$': '<rootDir>/libs/$1/src',
};
// jose 6 ships ES modules only: Node (>= 20.19) requires them natively, jest's CommonJS runtime does not.
const transform = {
  '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: '<rootDir>/tsconfig.json' }],
  '^.+/node_modules/jose/.+\\.js$': ['ts-jest', { isolatedModules: true, tsconfig: { allowJs: true } }],
};
const common = {
  rootDir: __dirname,
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testRegex: '.*\\.spec\\.ts$' },
    {
      ...common,
      displayName: 'integration',
      testRegex: '.*\\.int-spec\\.ts$',
      setupFilesAfterEnv: ['<rootDir>/test/support/real-services.setup.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testRegex: '.*\\.e2e-spec\\.ts$',
      setupFilesAfterEnv: ['<rootDir>/test/support/real-services.setup.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
