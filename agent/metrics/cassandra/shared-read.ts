import { perMBean, type PerMBeanOptions } from "./builders.js";
import type { FamilySpec, Labels } from "./family.js";

/** An MBean's key properties. */
export type Props = Record<string, string>;

/**
 * A family that takes attribute `attribute` of the MBeans whose `name` key is `name`, out of a pattern
 * read shared with other families (e.g. every thread-pool family reads `type=ThreadPools,*`). The
 * collector sends each distinct read once, so N families over one MBean type cost one name scan.
 */
export function fromShared(
  mbean: string,
  name: string,
  attribute: "Value" | "Count",
  pick: (p: Props) => Labels | undefined,
  rest: Pick<PerMBeanOptions, "name" | "help" | "type" | "scale">,
): FamilySpec {
  const labels = (p: Props) => (p.name === name ? pick(p) : undefined);
  const spec = perMBean({ ...rest, mbean, attribute, labels });
  // Shared reads ask for both Value (gauges) and Count (counters, meters); Jolokia skips absent ones.
  spec.reads = [{ mbean, attributes: ["Value", "Count"] }];
  return spec;
}

export const counter = (name: string, help: string) => ({ name, help, type: "counter" as const });
export const gauge = (name: string, help: string) => ({ name, help, type: "gauge" as const });
/** For node-wide MBeans: no labels beyond the node's own. */
export const none = (): Labels => ({});
