import type { TestProject } from "vitest/node";
import { LocalCluster, type ClusterInfo } from "./cassandra/local-cluster.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A one-node cluster shared by the integration files. */
    single: ClusterInfo;
    /** A three-node cluster (one DC, three racks) shared by the integration files. */
    trio: ClusterInfo;
  }
}

/**
 * Starts the shared clusters once for the whole integration run and stops them at the end. Tests that
 * stop, pause or restart a shared node put it back as they found it; tests that wreck a node start their own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const [single, trio] = await Promise.all([
    LocalCluster.start({ size: 1, name: "single" }),
    LocalCluster.start({ size: 3, name: "trio" }),
  ]);
  console.log(`shared clusters started in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  project.provide("single", single.info);
  project.provide("trio", trio.info);
  return async () => {
    await Promise.all([single.destroy(), trio.destroy()]);
  };
}
