import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure and fast; `e2e` boots real VMs (TCG: minutes), run one file at a time
// so two QEMUs do not fight for the host's two cores.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'harness/**/*.test.ts'],
          exclude: ['test/e2e/**', 'node_modules/**'],
          // The CLI tests start the compiled CLI: dist/ is rebuilt first when harness/ changed.
          globalSetup: ['test/support/build-dist.ts'],
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/build-dist.ts'],
          // One VM scenario pair takes 5-10 min under TCG; a hang must fail well inside CI's budget.
          testTimeout: 20 * 60_000,
          hookTimeout: 20 * 60_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
