import { defineConfig } from 'vitest/config';

// Tests run real servers, real SQLite files and child processes, so give them room
// and keep the two cores of a CI machine from being oversubscribed.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
