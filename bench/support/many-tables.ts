import cassandra from "cassandra-driver";

/** How the bench's schema is laid out: `keyspaces` keyspaces of `tablesPerKeyspace` small tables each. */
export interface ManyTablesOptions {
  host: string;
  port: number;
  keyspaces: number;
  tablesPerKeyspace: number;
  /** CREATE TABLE statements in flight at once; Cassandra applies schema changes one by one anyway. */
  concurrency?: number;
  /** Called once a keyspace's tables exist and hold their row, e.g. to flush it: memtables of a thousand
   * tables each pin a heap slab, which a small heap does not survive. */
  afterKeyspace?: (keyspace: string) => Promise<void>;
  log?: (line: string) => void;
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Creates the bench schema over CQL and writes one row into every table, so that each table has a memtable
 * to flush and (after `nodetool flush`) one SSTable whose metadata the expensive attributes walk. Idempotent
 * (`IF NOT EXISTS`), so an interrupted run can be resumed against the same node.
 */
export async function createManyTables(options: ManyTablesOptions): Promise<string[]> {
  const client = new cassandra.Client({
    contactPoints: [`${options.host}:${options.port}`],
    localDataCenter: "dc1",
    socketOptions: { readTimeout: 120_000 },
    protocolOptions: { maxSchemaAgreementWaitSeconds: 30 },
  });
  await client.connect();
  const tables: string[] = [];
  try {
    for (let k = 0; k < options.keyspaces; k++) {
      const ks = `bench_ks${k}`;
      await client.execute(
        `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
      );
      const names = Array.from({ length: options.tablesPerKeyspace }, (_, t) => `${ks}.t${t}`);
      await inParallel(names, options.concurrency ?? 4, async (table) => {
        await client.execute(`CREATE TABLE IF NOT EXISTS ${table} (id int PRIMARY KEY, v text)`);
        await client.execute(`INSERT INTO ${table} (id, v) VALUES (1, 'x')`);
      });
      await options.afterKeyspace?.(ks);
      tables.push(...names);
      options.log?.(`created ${tables.length}/${options.keyspaces * options.tablesPerKeyspace} tables`);
    }
  } finally {
    await client.shutdown();
  }
  return tables;
}
