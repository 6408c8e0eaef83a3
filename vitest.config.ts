import { defineConfig } from "vitest/config";

/**
 * Three projects: `unit` (fakes behind our interfaces, in parallel), `integration` (real Cassandra nodes
 * and a real object store, one file at a time because the nodes are shared and the machine is small) and
 * `k8s` (manifests built and validated offline).
 */
export default defineConfig({
  test: {
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/contract/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          name: "k8s",
          include: ["test/k8s/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
