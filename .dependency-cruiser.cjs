// Module boundaries of the monorepo (issue #11, item 7), checked by `npm run deps:check` and by
// test/boundaries/boundaries.spec.ts.
//
// Paths are relative to the directory the cruise runs from (the repository root). An npm package is
// matched on where it resolves to (`node_modules/<name>/...`, or its `@types/<name>` when only types
// exist) and, when it cannot be resolved at all, on its bare name. Type-only imports count
// (tsPreCompilationDeps): `import type { Pool } from 'pg'` couples a module to pg just as much.

/** Regular expressions matching a dependency on one of the npm packages `names`. */
function npm(...names) {
  return names.flatMap((name) => [`(^|/)node_modules/(@types/)?${name}(/|$)`, `^${name}(/|$)`]);
}

const PG = npm('pg');
const KAFKAJS = npm('kafkajs');
const NEST_ANY = npm('@nestjs/[^/]+');
const EVENTSTORE_ANY = npm('@eventstore/[^/]+');
const CLASS_VALIDATOR = npm('class-validator');

/** Node built-ins that do I/O or draw entropy: the domain computes, it does not touch the world. */
const IO_BUILTINS = '^(node:)?(crypto|fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|worker_threads)$';

/** Files that only test: the rules about purity of production code do not apply to them. */
const SPEC_FILES = '\\.(spec|int-spec|e2e-spec)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'kafkajs-only-in-kafka-publisher',
      severity: 'error',
      comment:
        'kafkajs is imported only by libs/kafka-publisher (and by test/ and bench/, which talk to the real broker ' +
        'directly). Everything else publishes and consumes through @ledger/kafka-publisher.',
      from: { pathNot: ['^libs/kafka-publisher/', '^test/', '^bench/'] },
      to: { path: KAFKAJS },
    },
    {
      name: 'pg-only-in-postgres-adapters',
      severity: 'error',
      comment:
        'pg is imported only by the PostgreSQL adapters (libs/postgres, libs/event-store/src/postgres, ' +
        'libs/projection, libs/ledger-projection, libs/read-model, libs/operations, libs/outbox) and by test/, ' +
        'bench/ and scripts/. Apps get their pools through @ledger/postgres.',
      from: {
        pathNot: [
          '^libs/postgres/',
          '^libs/event-store/src/postgres/',
          // picks the adapter for the process, handing the PostgreSQL one its pool
          '^libs/event-store/src/event-store\\.module\\.ts$',
          '^libs/projection/',
          '^libs/ledger-projection/',
          '^libs/read-model/',
          '^libs/operations/',
          '^libs/outbox/',
          '^test/',
          '^bench/',
          '^scripts/',
        ],
      },
      to: { path: PG },
    },
    {
      name: 'libs-not-to-apps-or-test',
      severity: 'error',
      comment:
        'A library depends on no app and on nothing under test/ (which @ledger/testing maps to test/support). ' +
        'Its specs may use the shared test support (real databases, the broker, the EventStoreDB test server).',
      from: { path: '^libs/', pathNot: SPEC_FILES },
      to: { path: ['^apps/', '^test/'] },
    },
    {
      name: 'contracts-not-to-other-libs',
      severity: 'error',
      comment: 'libs/contracts is the published API: it depends on no other @ledger library.',
      from: { path: '^libs/contracts/' },
      to: { path: '^libs/', pathNot: '^libs/contracts/' },
    },
    {
      name: 'domain-not-to-frameworks',
      severity: 'error',
      comment:
        'libs/domain is pure: no NestJS, PostgreSQL, Kafka, EventStoreDB client or validation library ' +
        '(libs/domain/src/domain-boundaries.spec.ts checks the same with its own scan).',
      from: { path: '^libs/domain/' },
      to: { path: [...NEST_ANY, ...PG, ...KAFKAJS, ...EVENTSTORE_ANY, ...CLASS_VALIDATOR] },
    },
    {
      name: 'domain-not-to-other-libs',
      severity: 'error',
      comment: 'libs/domain depends on no other @ledger library.',
      from: { path: '^libs/domain/' },
      to: { path: '^libs/', pathNot: '^libs/domain/' },
    },
    {
      name: 'domain-not-to-io-builtins',
      severity: 'error',
      comment:
        'libs/domain does no I/O and draws no entropy: no node:crypto, fs, net, http and the like. Its specs may ' +
        '(domain-boundaries.spec.ts reads the sources it guards).',
      from: { path: '^libs/domain/', pathNot: SPEC_FILES },
      to: { dependencyTypes: ['core'], path: IO_BUILTINS },
    },
    {
      name: 'application-not-to-infrastructure',
      severity: 'error',
      comment:
        'libs/application (the use cases) knows no database driver, broker client, HTTP framework, API ' +
        'documentation or request validation: no pg, kafkajs, express, @nestjs/platform-*, @nestjs/swagger, ' +
        'class-validator.',
      from: { path: '^libs/application/' },
      to: {
        path: [
          ...PG,
          ...KAFKAJS,
          ...npm('express'),
          ...npm('@nestjs/platform-[^/]+'),
          ...npm('@nestjs/swagger'),
          ...CLASS_VALIDATOR,
        ],
      },
    },
    {
      name: 'auth-framework-free',
      severity: 'error',
      comment:
        'libs/auth (token verification, the actor, local token signing) uses jose and Node only: no NestJS, ' +
        'Express or other @ledger library, so the API, the CLI and any other entry point can share it.',
      from: { path: '^libs/auth/', pathNot: SPEC_FILES },
      to: { path: [...NEST_ANY, ...npm('express'), '^libs/(?!auth/)'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No module reaches itself through its own imports (type-only imports included).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'Every import resolves (a new @ledger/* library needs its entry in the paths of tsconfig.json): an import ' +
        'that does not resolve would slip past every rule above.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: {
      // build output, and the temporary fixture trees of test/boundaries/boundaries.spec.ts
      path: ['(^|/)dist/', '(^|/)fixtures-tmp-[^/]+/'],
    },
    moduleSystems: ['cjs', 'es6'],
    tsPreCompilationDeps: true,
    // resolves the @ledger/* aliases (and @ledger/testing -> test/support) with the paths of tsconfig.json
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
