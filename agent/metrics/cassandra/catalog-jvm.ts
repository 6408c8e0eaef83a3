import { perMBean } from "./builders.js";
import type { FamilySpec, Sample } from "./family.js";
import { MBEAN } from "../../cassandra/mbeans.js";
import { OPERATION_MODES, type OperationMode } from "../../cassandra/node.js";
import { toNumber } from "./object-name.js";
import { counter } from "./shared-read.js";

/** Cassandra's JVM (heap, GC) and the node's operation mode. */

const MEMORY = "java.lang:type=Memory";
const AREAS: [string, string][] = [
  ["heap", "HeapMemoryUsage"],
  ["nonheap", "NonHeapMemoryUsage"],
];

/** One field (used, committed, max) of the JVM's MemoryUsage composites, by area. */
function jvmMemory(field: "used" | "committed" | "max", help: string): FamilySpec {
  return {
    name: `cassandra_jvm_memory_${field}_bytes`,
    help,
    type: "gauge",
    tier: "scrape",
    reads: [{ mbean: MEMORY, attributes: AREAS.map(([, attribute]) => attribute) }],
    extract([result]) {
      const attrs = result?.get(MEMORY) ?? {};
      return AREAS.flatMap(([area, attribute]) => {
        const value = toNumber((attrs[attribute] as Record<string, unknown> | undefined)?.[field]);
        // The JVM reports -1 for "undefined" (e.g. no non-heap maximum).
        return value === undefined || value < 0 ? [] : [{ labels: { area }, value }];
      });
    },
  };
}

/** Every mode StorageService reports in 5.0, so a mode that is not current shows 0 rather than vanishing. */
export { OPERATION_MODES };

const operationMode: FamilySpec = {
  name: "cassandra_node_operation_mode",
  help: "1 for the node's current StorageService operation mode (label mode), 0 for the others",
  type: "gauge",
  tier: "scrape",
  reads: [{ mbean: MBEAN.storageService, attributes: ["OperationMode"] }],
  extract([result]) {
    const current = result?.get(MBEAN.storageService)?.OperationMode;
    if (typeof current !== "string") return [];
    const modes: readonly string[] = OPERATION_MODES.includes(current as OperationMode)
      ? OPERATION_MODES
      : [...OPERATION_MODES, current];
    return modes.map((mode): Sample => ({ labels: { mode }, value: mode === current ? 1 : 0 }));
  },
};

export const JVM_FAMILIES: FamilySpec[] = [
  jvmMemory("used", "Memory used by Cassandra's JVM, by area (heap, nonheap)"),
  jvmMemory("committed", "Memory committed by Cassandra's JVM, by area"),
  jvmMemory("max", "Maximum memory of Cassandra's JVM, by area (absent when unbounded)"),
  perMBean({
    ...counter("cassandra_jvm_gc_collections_total", "Garbage collections of Cassandra's JVM, by collector"),
    mbean: "java.lang:type=GarbageCollector,*",
    attribute: "CollectionCount",
    labels: { gc: "name" },
  }),
  perMBean({
    ...counter(
      "cassandra_jvm_gc_collection_seconds_total",
      "Time Cassandra's JVM spent in garbage collection, by collector",
    ),
    mbean: "java.lang:type=GarbageCollector,*",
    attribute: "CollectionTime",
    labels: { gc: "name" },
    scale: 1e-3,
  }),
  operationMode,
];
