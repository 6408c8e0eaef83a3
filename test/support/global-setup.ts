import type { TestProject } from "vitest/node";
import { LocalCluster, type ClusterInfo } from "./cassandra/local-cluster.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A one-node cluster shared by the integration files. */
    single: ClusterInfo | null;
    /** A three-node cluster (one DC, three racks) shared by the integration files. */
    trio: ClusterInfo | null;
  }
}

/**
 * Starts the shared clusters once for the whole integration run and stops them at the end. Tests that
 * stop, pause or restart a shared node put it back as they found it; tests that wreck a node start their own.
 * `CPA_SHARED_CLUSTERS=single` (a comma list) starts fewer while working on one file; CI starts both.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const wanted = new Set((process.env.CPA_SHARED_CLUSTERS ?? "single,trio").split(",").map((s) => s.trim()));
  const started = performance.now();
  const [single, trio] = await Promise.all([
    wanted.has("single") ? LocalCluster.start({ size: 1, name: "single" }) : undefined,
    wanted.has("trio") ? LocalCluster.start({ size: 3, name: "trio" }) : undefined,
  ]);
  console.log(`shared clusters started in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  project.provide("single", single?.info ?? null);
  project.provide("trio", trio?.info ?? null);
  return async () => {
    await Promise.all([single?.destroy(), trio?.destroy()]);
  };
}
