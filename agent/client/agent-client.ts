import { setTimeout as sleep } from "node:timers/promises";
import type { KeyspaceInfo, NodeStatus } from "../cassandra/node.js";
import type {
  CompactionView,
  RingView,
  SchemaVersions,
  SnapshotInfo,
  StreamView,
  ThreadPoolView,
  Throughput,
} from "../cassandra/views.js";
import type { JobRecord } from "../jobs/job.js";
import { CLIENT_ROUTES, type OperationName } from "./routes.js";

export interface AgentClientOptions {
  /** The agent's base URL, e.g. `http://cassandra-0.cassandra:8080`. */
  url: string;
  token?: string;
  /** Bound on one HTTP call. */
  timeoutMs?: number;
}

/** A problem document the agent answered with, or a transport failure (status 0). */
export class AgentCallError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly problem?: Record<string, unknown>,
  ) {
    super(`${url}: ${status ? `${status} ${code}: ` : ""}${detail}`);
    this.name = "AgentCallError";
  }
}

export type NodeView = NodeStatus & { load: string | null; ownership: number | null };
export interface Accepted {
  id: string;
  location: string;
  job: JobRecord;
}

type Route = keyof typeof CLIENT_ROUTES;

/**
 * A typed client for one agent's operator API, used by the CLI's cluster commands and by an operator.
 * Every method maps to one route in `CLIENT_ROUTES`.
 */
export class AgentClient {
  constructor(readonly options: AgentClientOptions) {}

  get url(): string {
    return this.options.url.replace(/\/+$/, "");
  }

  private async call<T>(
    route: Route,
    init: {
      path?: Record<string, string>;
      query?: Record<string, string | undefined>;
      body?: unknown;
      headers?: Record<string, string>;
    } = {},
  ): Promise<T> {
    const [method, template] = CLIENT_ROUTES[route];
    const path = template.replace(/\{(\w+)\}/g, (_m, name: string) =>
      encodeURIComponent(init.path?.[name] ?? ""),
    );
    const query = new URLSearchParams(
      Object.entries(init.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const target = `${this.url}${path}${query.size > 0 ? `?${query}` : ""}`;
    const headers: Record<string, string> = { accept: "application/json", ...init.headers };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(target, {
        method: method.toUpperCase(),
        headers,
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new AgentCallError(this.url, 0, "unreachable", `not reachable (${reason})`);
    }
    const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (!res.ok) {
      throw new AgentCallError(
        this.url,
        res.status,
        String(body?.code ?? "error"),
        String(body?.detail ?? res.statusText),
        body,
      );
    }
    return body as T;
  }

  node = () => this.call<NodeView>("getNode");
  ring = (keyspace?: string) => this.call<RingView>("getRing", { query: { keyspace } });
  schemaVersions = () => this.call<{ agreement: boolean; versions: SchemaVersions }>("getSchemaVersions");
  keyspaces = () => this.call<KeyspaceInfo[]>("listKeyspaces");
  compactions = () => this.call<CompactionView>("getCompactions");
  streams = () => this.call<StreamView[]>("getStreams");
  threadPools = () => this.call<ThreadPoolView[]>("getThreadPools");
  snapshots = () => this.call<SnapshotInfo[]>("listSnapshots");
  clearSnapshots = (tag?: string, keyspace?: string) =>
    this.call<Accepted>("clearSnapshots", { query: { tag, keyspace } });
  throughput = () => this.call<Throughput>("getThroughput");
  setThroughput = (changes: Partial<Throughput>) => this.call<Throughput>("setThroughput", { body: changes });
  jobs = (query: { state?: string; type?: string; limit?: number } = {}) =>
    this.call<JobRecord[]>("listJobs", {
      query: { state: query.state, type: query.type, limit: query.limit?.toString() },
    });
  job = (id: string) => this.call<JobRecord>("getJob", { path: { id } });
  cancelJob = (id: string) => this.call<JobRecord>("cancelJob", { path: { id } });
  openApi = () => this.call<Record<string, unknown>>("getOpenApi");

  /** Starts an operation as a job; the same `idempotencyKey` returns the same job on a retry. */
  start(
    operation: OperationName,
    body: Record<string, unknown> = {},
    idempotencyKey?: string,
  ): Promise<Accepted> {
    return this.call<Accepted>("startOperation", {
      path: { operation },
      body,
      ...(idempotencyKey ? { headers: { "idempotency-key": idempotencyKey } } : {}),
    });
  }

  /** Polls a job until it has finished, and returns its final record (whatever the state). */
  async waitForJob(
    id: string,
    options: { intervalMs?: number; timeoutMs?: number } = {},
  ): Promise<JobRecord> {
    const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
    for (;;) {
      const job = await this.job(id);
      if (!["queued", "running"].includes(job.state)) return job;
      if (Date.now() > deadline)
        throw new AgentCallError(this.url, 0, "timeout", `job ${id} still ${job.state}`);
      await sleep(options.intervalMs ?? 1_000);
    }
  }
}
