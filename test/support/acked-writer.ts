import cassandra from "cassandra-driver";

export interface WriterOptions {
  contactPoints: string[];
  localDataCenter: string;
  keyspace: string;
  table: string;
  consistency: "one" | "localQuorum" | "all";
  /** Requests kept in flight at once. */
  concurrency?: number;
}

export interface WriterResult {
  acked: number[];
  failures: number;
  firstFailure: string | undefined;
}

/**
 * Writes rows (id, value) as fast as it can and records every write Cassandra acknowledged, so a test can
 * check after a crash or a drain that none of them was lost. Writes are idempotent (a fixed value per id),
 * which lets the driver retry them on another node.
 */
export class AckedWriter {
  readonly client: cassandra.Client;
  private readonly acked: number[] = [];
  private failures = 0;
  private firstFailure: string | undefined;
  private running = false;
  private next = 0;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: WriterOptions) {
    this.client = new cassandra.Client({
      contactPoints: options.contactPoints,
      localDataCenter: options.localDataCenter,
      queryOptions: {
        consistency: cassandra.types.consistencies[options.consistency],
        isIdempotent: true,
        prepare: true,
      },
    });
  }

  static valueFor(id: number): string {
    return `value-${id}-${"x".repeat(id % 97)}`;
  }

  async createTable(replication: string): Promise<void> {
    const { keyspace, table } = this.options;
    await this.client.execute(`CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replication}`);
    await this.client.execute(
      `CREATE TABLE IF NOT EXISTS ${keyspace}.${table} (id int PRIMARY KEY, value text)`,
    );
  }

  start(): void {
    this.running = true;
    const insert = `INSERT INTO ${this.options.keyspace}.${this.options.table} (id, value) VALUES (?, ?)`;
    const loop = async () => {
      while (this.running) {
        const id = this.next++;
        try {
          await this.client.execute(insert, [id, AckedWriter.valueFor(id)]);
          this.acked.push(id);
        } catch (error) {
          this.failures += 1;
          this.firstFailure ??= (error as Error).message;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };
    this.loops = Array.from({ length: this.options.concurrency ?? 8 }, loop);
  }

  get ackedCount(): number {
    return this.acked.length;
  }

  async untilAcked(count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.acked.length < count) {
      if (Date.now() > deadline)
        throw new Error(`only ${this.acked.length} writes acknowledged (${this.firstFailure})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<WriterResult> {
    this.running = false;
    await Promise.all(this.loops);
    return { acked: [...this.acked], failures: this.failures, firstFailure: this.firstFailure };
  }

  async close(): Promise<void> {
    await this.client.shutdown();
  }
}

/** Reads every row of a table back as id → value, page by page, at the given consistency. */
export async function readAll(
  client: cassandra.Client,
  keyspace: string,
  table: string,
  consistency: number = cassandra.types.consistencies.one,
): Promise<Map<number, string>> {
  const rows = new Map<number, string>();
  let pageState: string | undefined;
  do {
    const result = await client.execute(`SELECT id, value FROM ${keyspace}.${table}`, [], {
      prepare: true,
      fetchSize: 5000,
      consistency,
      pageState,
    });
    for (const row of result.rows) rows.set(row.get("id") as number, row.get("value") as string);
    pageState = result.pageState ?? undefined;
  } while (pageState);
  return rows;
}
