import { defineConfig } from 'vitest/config';

// The unit tests Stryker runs against each mutant (`npm run mutate`, stryker.config.mjs): the
// pure domains and the module tests beside them. Tests that spawn the built binary are left out:
// they run dist/, which Stryker does not mutate, so they would only add time.
export default defineConfig({
  test: {
    include: [
      'test/incentive/**/*.test.ts',
      'test/segment/**/*.test.ts',
      'test/metrics/pricing.test.ts',
      'test/metrics/segment-report.test.ts',
      'test/pay/**/*.test.ts',
      'test/watch/**/*.test.ts',
    ],
    testTimeout: 60000,
    hookTimeout: 60000,
    pool: 'forks',
  },
});
