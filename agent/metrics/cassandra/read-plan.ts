import type { JolokiaRequest } from "jolokia.js";
import type { JolokiaOutcome } from "../../cassandra/jolokia-client.js";
import { CassandraMBeanNotFoundError } from "../../errors.js";
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
  /** StorageService's schema version: when it changes, tables may have come or gone. */
  schemaVersion: string | undefined;
}

const SNITCH: ReadSpec = { mbean: MBEAN.endpointSnitchInfo, attributes: [...SNITCH_ATTRIBUTES] };
const SCHEMA: ReadSpec = { mbean: MBEAN.storageService, attributes: ["SchemaVersion"] };

/** One read per MBean name or pattern, asking for the union of the attributes its families want. */
function plan(families: FamilySpec[]): ReadSpec[] {
  const attributes = new Map<string, Set<string>>();
  for (const read of [SNITCH, SCHEMA, ...families.flatMap((family) => family.reads)]) {
    const set = attributes.get(read.mbean) ?? new Set<string>();
    for (const attribute of read.attributes) set.add(attribute);
    attributes.set(read.mbean, set);
  }
  return [...attributes].map(([mbean, set]) => ({ mbean, attributes: [...set] }));
}

/** Exact names known for a pattern (see MBeanDirectory); undefined means "read the pattern itself". */
export type NameLookup = (pattern: string) => string[] | undefined;

/** Above this many requests, the bulk is split in two requests sent at once (two Jolokia threads). */
const SPLIT_ABOVE = 400;

async function bulkInParts(reader: BulkReader, requests: JolokiaRequest[], timeoutMs: number) {
  if (requests.length <= SPLIT_ABOVE) return reader.bulk(requests, timeoutMs);
  const half = Math.ceil(requests.length / 2);
  const parts = await Promise.all([
    reader.bulk(requests.slice(0, half), timeoutMs),
    reader.bulk(requests.slice(half), timeoutMs),
  ]);
  return parts.flat();
}

const readRequest = (mbean: string, attribute: string[]): JolokiaRequest => ({
  type: "read",
  mbean,
  attribute,
  config: { ignoreErrors: true, includeRequest: false },
});

/**
 * Reads every family of a tier in one bulk request (two above SPLIT_ABOVE entries): patterns as their
 * exact names when `lookup` knows them (a pattern costs Cassandra a scan of every metric name), each MBean
 * once however many families use it, plus the snitch (dc, rack) and the schema version. `ignoreErrors`
 * keeps one odd attribute from failing a read; a name that vanished (a dropped table) is skipped. Rejects
 * only when a request as a whole failed.
 */
export async function collectFamilies(
  reader: BulkReader,
  families: FamilySpec[],
  timeoutMs: number,
  lookup: NameLookup = () => undefined,
): Promise<TierResult> {
  const { requests, owners, results } = expand(plan(families), lookup);
  const outcomes = await bulkInParts(reader, requests, timeoutMs);
  let failedReads = 0;
  requests.forEach((request, i) => {
    const outcome = outcomes[i];
    const { patterns, derived } = owners[i]!;
    const mbean = request.type === "read" ? request.mbean : "";
    if (!outcome?.ok) {
      if (!(derived && outcome?.error instanceof CassandraMBeanNotFoundError)) failedReads++;
      return;
    }
    for (const pattern of patterns) {
      if (derived) results.get(pattern)?.set(mbean, outcome.value as Record<string, unknown>);
      else results.set(pattern, toReadResult({ mbean, attributes: [] }, outcome.value, isPattern(mbean)));
    }
  });
  const snitch = results.get(SNITCH.mbean)?.get(SNITCH.mbean) ?? {};
  const nodeLabels = { dc: String(snitch.Datacenter ?? ""), rack: String(snitch.Rack ?? "") };
  const samples = families.map((spec) => ({
    spec,
    samples: spec.extract(spec.reads.map((read) => results.get(read.mbean))),
  }));
  const schema = results.get(SCHEMA.mbean)?.get(SCHEMA.mbean)?.SchemaVersion;
  return {
    families: samples,
    nodeLabels,
    failedReads,
    schemaVersion: typeof schema === "string" ? schema : undefined,
  };
}

/**
 * Turns planned reads into requests: a pattern whose names are known becomes one read per name, and a
 * name wanted by several patterns (`type=ThreadPools,*` and `type=ThreadPools,name=X,*`) is read once
 * with the union of their attributes. `derived` marks names found by the directory, which may vanish.
 */
function expand(planned: ReadSpec[], lookup: NameLookup) {
  const byName = new Map<string, { attributes: Set<string>; patterns: string[]; derived: boolean }>();
  const results = new Map<string, ReadResult>();
  for (const read of planned) {
    const names = isPattern(read.mbean) ? lookup(read.mbean) : undefined;
    if (names) results.set(read.mbean, new Map());
    for (const name of names ?? [read.mbean]) {
      const entry = byName.get(name) ?? { attributes: new Set<string>(), patterns: [], derived: !!names };
      read.attributes.forEach((attribute) => entry.attributes.add(attribute));
      entry.patterns.push(read.mbean);
      byName.set(name, entry);
    }
  }
  const requests = [...byName].map(([name, entry]) => readRequest(name, [...entry.attributes]));
  return { requests, owners: [...byName.values()], results };
}
