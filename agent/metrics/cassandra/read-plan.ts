import type { JolokiaRequest } from "jolokia.js";
import type { JolokiaOutcome } from "../../cassandra/jolokia-client.js";
import { MBEAN, SNITCH_ATTRIBUTES } from "../../cassandra/mbeans.js";
import { toReadResult } from "./builders.js";
import type { FamilySamples, FamilySpec, Labels, ReadResult, ReadSpec } from "./family.js";
import { isPattern } from "./object-name.js";

/** The part of `JolokiaClient` the collector needs; unit tests pass a fake that answers from fixtures. */
export interface BulkReader {
  bulk(requests: JolokiaRequest[], timeoutMs?: number): Promise<JolokiaOutcome[]>;
}

/** What one collection of a tier produced. */
export interface TierResult {
  families: FamilySamples[];
  /** `dc` and `rack` of the node, added to every sample. */
  nodeLabels: Labels;
  /** Reads that came back with an error entry (the rest of the collection still counts). */
  failedReads: number;
}

const SNITCH: ReadSpec = { mbean: MBEAN.endpointSnitchInfo, attributes: [...SNITCH_ATTRIBUTES] };

/** One read per MBean name or pattern, asking for the union of the attributes its families want. */
function plan(families: FamilySpec[]): ReadSpec[] {
  const attributes = new Map<string, Set<string>>([[SNITCH.mbean, new Set(SNITCH.attributes)]]);
  for (const read of families.flatMap((family) => family.reads)) {
    const set = attributes.get(read.mbean) ?? new Set<string>();
    for (const attribute of read.attributes) set.add(attribute);
    attributes.set(read.mbean, set);
  }
  return [...attributes].map(([mbean, set]) => ({ mbean, attributes: [...set] }));
}

/**
 * Reads every family of a tier in ONE bulk request: each MBean pattern once, however many families use it
 * (a pattern costs Cassandra a scan of every metric name), plus the snitch for the node's dc and rack. `ignoreErrors` keeps one odd MBean from
 * failing a whole pattern read. Rejects only when the request as a whole failed.
 */
export async function collectFamilies(
  reader: BulkReader,
  families: FamilySpec[],
  timeoutMs: number,
): Promise<TierResult> {
  const planned = plan(families);
  const requests: JolokiaRequest[] = planned.map((read) => ({
    type: "read",
    mbean: read.mbean,
    attribute: read.attributes,
    config: { ignoreErrors: true, includeRequest: false },
  }));
  const outcomes = await reader.bulk(requests, timeoutMs);
  const results = new Map<string, ReadResult | undefined>();
  let failedReads = 0;
  planned.forEach((read, i) => {
    const outcome = outcomes[i];
    if (outcome?.ok) results.set(read.mbean, toReadResult(read, outcome.value, isPattern(read.mbean)));
    else failedReads++;
  });
  const snitch = results.get(SNITCH.mbean)?.get(SNITCH.mbean) ?? {};
  const nodeLabels = { dc: String(snitch.Datacenter ?? ""), rack: String(snitch.Rack ?? "") };
  const samples = families.map((spec) => ({
    spec,
    samples: spec.extract(spec.reads.map((read) => results.get(read.mbean))),
  }));
  return { families: samples, nodeLabels, failedReads };
}
