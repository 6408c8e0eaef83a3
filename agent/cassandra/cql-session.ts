import type cassandra from "cassandra-driver";
import {
  type AgentError,
  CassandraOperationError,
  CassandraTimeoutError,
  CassandraUnavailableError,
} from "../errors.js";
import type { KeyspaceInfo } from "./node.js";

export interface CqlSessionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** Per-query bound, so a loaded node surfaces as a typed timeout. */
  timeoutMs: number;
}

function cqlError(error: unknown, endpoint: string): AgentError {
  const name = (error as { name?: string } | undefined)?.name;
  const message = error instanceof Error ? error.message : String(error);
  if (name === "NoHostAvailableError") {
    // The driver keeps why each host failed; the first reason (refused, timed out, auth …) is what helps.
    const inner = Object.values((error as { innerErrors?: Record<string, unknown> }).innerErrors ?? {})[0];
    const reason = inner instanceof Error ? ` (${inner.message})` : "";
    return new CassandraUnavailableError(`CQL at ${endpoint} is not reachable${reason}`, { cause: error });
  }
  if (name === "OperationTimedOutError") {
    return new CassandraTimeoutError(`CQL at ${endpoint} did not answer in time`, { cause: error });
  }
  return new CassandraOperationError(`CQL query failed: ${message}`, { cause: error });
}

/**
 * A CQL connection to the local node only (an allow-list policy of one host), for what JMX gives poorly:
 * schema and system tables. It connects on first use and starts over after a failed connect, so the agent
 * can start before Cassandra does. The driver itself is loaded on first use too: it is a quarter of the
 * agent's idle memory, and probes and metrics never need it.
 */
export class CqlSession {
  private client: Promise<cassandra.Client> | undefined;
  private readonly endpoint: string;

  constructor(private readonly options: CqlSessionOptions) {
    this.endpoint = `${options.host}:${options.port}`;
  }

  /** One connect shared by concurrent first callers; a failed one is forgotten so the next call retries. */
  private connected(): Promise<cassandra.Client> {
    this.client ??= this.connect().catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    return this.client;
  }

  private async connect(): Promise<cassandra.Client> {
    const { default: driver } = await import("cassandra-driver");
    const { loadBalancing } = driver.policies;
    const client = new driver.Client({
      contactPoints: [this.endpoint],
      policies: {
        loadBalancing: new loadBalancing.AllowListPolicy(new loadBalancing.RoundRobinPolicy(), [
          this.endpoint,
        ]),
      },
      pooling: {
        coreConnectionsPerHost: { [driver.types.distance.local]: 1, [driver.types.distance.remote]: 0 },
      },
      isMetadataSyncEnabled: false,
      socketOptions: { readTimeout: this.options.timeoutMs, connectTimeout: this.options.timeoutMs },
      ...(this.options.username
        ? { credentials: { username: this.options.username, password: this.options.password ?? "" } }
        : {}),
    });
    try {
      await client.connect();
    } catch (error) {
      await client.shutdown().catch(() => undefined);
      throw cqlError(error, this.endpoint);
    }
    return client;
  }

  /** Runs a query with bound parameters and returns its rows. */
  async execute(query: string, params: unknown[] = []): Promise<cassandra.types.Row[]> {
    const client = await this.connected();
    try {
      const result = await client.execute(query, params, { prepare: params.length > 0 });
      return result.rows;
    } catch (error) {
      throw cqlError(error, this.endpoint);
    }
  }

  /** One cheap local read; rejects with a typed error when CQL does not answer within `timeoutMs`. */
  async ping(timeoutMs: number): Promise<void> {
    const client = await this.connected();
    try {
      await client.execute("SELECT release_version FROM system.local", [], { readTimeout: timeoutMs });
    } catch (error) {
      throw cqlError(error, this.endpoint);
    }
  }

  async keyspaces(): Promise<KeyspaceInfo[]> {
    const keyspaces = await this.execute("SELECT keyspace_name, replication FROM system_schema.keyspaces");
    const tables = await this.execute("SELECT keyspace_name, table_name FROM system_schema.tables");
    return keyspaces
      .map((row) => ({
        name: String(row.get("keyspace_name")),
        replication: (row.get("replication") ?? {}) as Record<string, string>,
        tables: tables
          .filter((t) => t.get("keyspace_name") === row.get("keyspace_name"))
          .map((t) => String(t.get("table_name")))
          .sort(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * `DESCRIBE SCHEMA WITH INTERNALS`, answered by the server (Cassandra 4.0+), every page of it, joined
   * into one CQL script.
   */
  async describeSchema(): Promise<string> {
    const client = await this.connected();
    const statements: string[] = [];
    let pageState: string | undefined;
    try {
      do {
        const result = await client.execute("DESCRIBE SCHEMA WITH INTERNALS", [], {
          fetchSize: 1000,
          ...(pageState ? { pageState } : {}),
        });
        for (const row of result.rows) statements.push(String(row.get("create_statement")));
        pageState = result.pageState ?? undefined;
      } while (pageState);
    } catch (error) {
      throw cqlError(error, this.endpoint);
    }
    return statements.join("\n\n") + (statements.length > 0 ? "\n" : "");
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    const connected = await client?.catch(() => undefined);
    await connected?.shutdown();
  }
}
