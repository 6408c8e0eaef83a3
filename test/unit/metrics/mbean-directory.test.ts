import { describe, expect, it } from "vitest";
import { MBeanDirectory } from "../../../agent/metrics/cassandra/mbean-directory.js";
import { keyProperties } from "../../../agent/metrics/cassandra/object-name.js";
import { FakeJolokia } from "../../support/fakes/fake-jolokia.js";

const M = "org.apache.cassandra.metrics";

describe("keyProperties", () => {
  it("reads key properties, unquoting quoted values with commas inside", () => {
    expect(keyProperties(`${M}:type=Table,keyspace=ks,scope=t1,name=ReadLatency`)).toEqual({
      type: "Table",
      keyspace: "ks",
      scope: "t1",
      name: "ReadLatency",
    });
    expect(keyProperties(`${M}:type=Odd,scope="a,b\\"c",name=X`)).toEqual({
      type: "Odd",
      scope: 'a,b"c',
      name: "X",
    });
  });
});

describe("MBeanDirectory", () => {
  const jolokia = new FakeJolokia()
    .set(`${M}:type=Table,keyspace=ks,scope=t1,name=LiveSSTableCount`, { Value: 1 })
    .set(`${M}:type=Table,keyspace=ks,scope=t2,name=LiveSSTableCount`, { Value: 1 })
    .set(`${M}:type=ThreadPools,path=request,scope=ReadStage,name=PendingTasks`, { Value: 0 })
    .set(`${M}:type=ThreadPools,path=request,scope=ReadStage,name=ActiveTasks`, { Value: 0 });
  const table = (name: string) => `${M}:type=Table,name=${name},*`;

  it("searches one pattern per MBean type and derives the other per-table names from it", async () => {
    const patterns = [table("LiveSSTableCount"), table("ReadLatency"), `${M}:type=ThreadPools,*`];
    const directory = new MBeanDirectory(jolokia, patterns);
    expect(directory.lookup(table("ReadLatency"))).toBeUndefined();
    await directory.discover(1_000);
    const searches = jolokia.requestsSeen.at(-1) ?? [];
    expect(searches.map((r) => r.type)).toEqual(["search", "search"]);
    expect(directory.lookup(table("ReadLatency"))).toEqual([
      `${M}:type=Table,keyspace=ks,scope=t1,name=ReadLatency`,
      `${M}:type=Table,keyspace=ks,scope=t2,name=ReadLatency`,
    ]);
    expect(directory.lookup(`${M}:type=ThreadPools,*`)).toHaveLength(2);
  });

  it("filters a bare type search for the name patterns of that type", async () => {
    const pending = `${M}:type=ThreadPools,name=PendingTasks,*`;
    const directory = new MBeanDirectory(jolokia, [`${M}:type=ThreadPools,*`, pending]);
    await directory.discover(1_000);
    expect(directory.lookup(pending)).toEqual([
      `${M}:type=ThreadPools,path=request,scope=ReadStage,name=PendingTasks`,
    ]);
  });

  it("searches when its names are missing or a minute old, waiting only for the first search", async () => {
    const directory = new MBeanDirectory(jolokia, [table("LiveSSTableCount")]);
    const before = jolokia.requestsSeen.length;
    const first = directory.refreshIfStale(1_000);
    void directory.refreshIfStale(1_000);
    await first;
    expect(directory.lookup(table("LiveSSTableCount"))).toHaveLength(2);
    await directory.refreshIfStale(1_000);
    expect(jolokia.requestsSeen.length - before).toBe(1);
    void directory.refreshIfStale(1_000, Date.now() + 61_000);
    expect(jolokia.requestsSeen.length - before).toBe(2);
  });

  it("searches again on the next scrape once the schema version changes", async () => {
    const directory = new MBeanDirectory(jolokia, [table("LiveSSTableCount")]);
    await directory.refreshIfStale(1_000);
    const before = jolokia.requestsSeen.length;
    directory.noteSchemaVersion("v1");
    await directory.refreshIfStale(1_000);
    expect(jolokia.requestsSeen.length).toBe(before);
    directory.noteSchemaVersion("v2");
    await directory.refreshIfStale(1_000);
    expect(jolokia.requestsSeen.length).toBe(before + 1);
    expect(directory.lookup(table("LiveSSTableCount"))).toHaveLength(2);
  });
});
