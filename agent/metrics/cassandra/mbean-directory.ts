import type { JolokiaRequest } from "jolokia.js";
import { isPattern, keyProperties } from "./object-name.js";
import type { BulkReader } from "./read-plan.js";

/** How long discovered names are used before a scrape triggers a new search (new tables show up then). */
export const DISCOVERY_MAX_AGE_MS = 60_000;

/** A pattern without its `name=` key: the MBeans of one type (`...:type=Table,*`). */
function groupOf(pattern: string): string {
  return pattern.replace(/([:,])name=[^,]*,/, "$1");
}

function matches(pattern: string, objectName: string): boolean {
  const wanted = keyProperties(pattern.replace(/,?\*$/, ""));
  const props = keyProperties(objectName);
  return Object.entries(wanted).every(([key, value]) => props[key] === value);
}

/**
 * The exact MBean names behind each pattern the catalogue reads. A pattern read makes Cassandra's MBean
 * server test every name of the metrics domain (~220,000 at 1,000 tables), so each one costs the same as
 * reading a thousand exact names. The directory runs one Jolokia `search` per MBean type instead, now and
 * then, and scrapes read exact names: for a type searched by one `name=X` pattern, the names of the other
 * `name=Y` patterns are derived by swapping the `name` key (a table has every per-table metric). A new
 * schema version makes it search again on the next scrape.
 */
export class MBeanDirectory {
  private readonly names = new Map<string, string[]>();
  private at = 0;
  private stale = false;
  private schemaVersion: string | undefined;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly reader: BulkReader,
    private readonly patterns: string[],
  ) {}

  /** Exact names for `pattern`, or undefined before the first discovery (then read the pattern itself). */
  lookup(pattern: string): string[] | undefined {
    return this.names.get(pattern);
  }

  /**
   * Starts a discovery when the names are missing or old. Resolves at once while older names are known
   * (the discovery goes on in the background); before the first success it resolves when that discovery
   * ends, so that even the first scrape reads exact names. Never rejects.
   */
  refreshIfStale(timeoutMs: number, now = Date.now()): Promise<void> {
    if ((this.stale || now - this.at >= DISCOVERY_MAX_AGE_MS) && !this.inflight) {
      this.inflight = this.discover(timeoutMs)
        .catch(() => undefined)
        .finally(() => (this.inflight = undefined));
    }
    return this.at === 0 && this.inflight ? this.inflight : Promise.resolve();
  }

  /**
   * Tells the directory the schema version a scrape saw: a change (a table created or dropped) makes the
   * names stale, so the next scrape starts a search and new tables show up without waiting a minute.
   */
  noteSchemaVersion(version: string | undefined): void {
    if (version === undefined || version === this.schemaVersion) return;
    if (this.schemaVersion !== undefined) this.stale = true;
    this.schemaVersion = version;
  }

  /** Runs one discovery (exposed for tests); rejects when Jolokia fails. */
  async discover(timeoutMs: number): Promise<void> {
    const groups = new Map<string, string[]>();
    for (const pattern of this.patterns.filter(isPattern)) {
      const group = groupOf(pattern);
      groups.set(group, [...(groups.get(group) ?? []), pattern]);
    }
    // Search the bare type pattern when the catalogue reads it, else the first `name=` pattern of the type.
    const searched = [...groups].map(([group, members]) => (members.includes(group) ? group : members[0]!));
    const requests: JolokiaRequest[] = searched.map((mbean) => ({ type: "search", mbean }));
    this.stale = false;
    const outcomes = await this.reader.bulk(requests, timeoutMs).catch((error: unknown) => {
      this.stale = true;
      throw error;
    });
    [...groups.values()].forEach((members, i) => {
      const outcome = outcomes[i];
      if (!outcome?.ok || !Array.isArray(outcome.value)) return;
      const found = outcome.value.map(String);
      const source = searched[i]!;
      for (const pattern of members) this.names.set(pattern, derive(source, pattern, found));
    });
    this.at = Date.now();
  }
}

function derive(source: string, pattern: string, found: string[]): string[] {
  if (source === pattern) return found;
  const name = keyProperties(pattern).name;
  if (source === groupOf(source) || name === undefined) return found.filter((n) => matches(pattern, n));
  const sourceName = new RegExp(`([:,])name=${escape(keyProperties(source).name ?? "")}(?=,|$)`);
  return found.map((n) => n.replace(sourceName, `$1name=${name}`));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
