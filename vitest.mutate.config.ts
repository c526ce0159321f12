import { defineConfig } from 'vitest/config';

// The unit tests Stryker runs against each mutant (`npm run mutate`, stryker.config.mjs): the
// tests of the pure domains. Tests that spawn the built binary are left out (they run dist/,
// which Stryker does not mutate) and so are those that build a database (they would add
// seconds to every mutant of the modules they reach).
export default defineConfig({
  test: {
    include: [
      'test/incentive/**/*.test.ts',
      'test/segment/**/*.test.ts',
      'test/metrics/pricing*.test.ts',
      'test/pay/**/*.test.ts',
      'test/watch/**/*.test.ts',
    ],
    testTimeout: 60000,
    hookTimeout: 60000,
    pool: 'forks',
  },
});
