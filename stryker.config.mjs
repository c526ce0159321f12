// Mutation testing of the money and segment rules: `npm run mutate` (docs/architecture.md,
// "Mutation testing"). Not part of `npm test` or CI: too slow; run it before a change to these
// modules lands. One file while iterating: `npm run mutate -- --mutate src/incentive/pay.ts`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  // Each mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  mutate: [
    'src/incentive/**/*.ts',
    'src/segment/**/*.ts',
    // The segment report core reads the database: it is not a pure domain, its tests build a
    // database for every run, and a run over it takes longer than all the rest together.
    // The CLI tests cover it.
    '!src/segment/report.ts',
    // Rendering (tables, CSV, JSON) is output, not a rule; the CLI tests cover it.
    '!src/segment/render.ts',
    // Labels and column specs: the words a report prints, checked by the CLI tests (zh and en).
    '!src/segment/labels.ts',
    'src/metrics/pricing.ts',
    // Domain modules being added beside them (pay governance, watch signals).
    'src/pay/**/*.ts',
    'src/watch/**/*.ts',
    '!src/watch/render.ts',
    '!src/watch/labels.ts',
    // Composes the metrics with the watch rules over the database, as segment/report.ts does.
    '!src/watch/report.ts',
  ],
  // The machine is shared: two test processes at most.
  concurrency: 2,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 90, break: null },
  timeoutMS: 10000,
};
