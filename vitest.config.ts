import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Crash tests kill and restart real processes dozens of times; on a busy two-core machine a
    // round can take seconds, so the bound is generous. A hung test still fails.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // Two cores: integration tests start real servers and child processes, so run files two at a time.
    maxWorkers: 2,
    pool: 'forks',
  },
});
