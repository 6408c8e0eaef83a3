import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
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
  /**
   * For `https://` URLs: the CA that signed the agents' certificates (PEM; the system's CAs when
   * omitted), and a client certificate and key for agents that require one (mutual TLS).
   */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
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
    let res: { status: number; statusText: string; body: string };
    try {
      res = await send(target, {
        method: method.toUpperCase(),
        headers,
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        timeoutMs: this.options.timeoutMs ?? 10_000,
        ...(this.options.tls ? { tls: this.options.tls } : {}),
      });
    } catch (error) {
      const reason = (error as { code?: string }).code ?? (error as Error).message;
      throw new AgentCallError(this.url, 0, "unreachable", `not reachable (${reason})`);
    }
    const body = parseJson(res.body);
    if (res.status < 200 || res.status > 299) {
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

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * One request over node:http or node:https. Not `fetch`: Node's fetch cannot present a client
 * certificate, which agents with mutual TLS require.
 */
function send(
  target: string,
  options: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    timeoutMs: number;
    tls?: AgentClientOptions["tls"];
  },
): Promise<{ status: number; statusText: string; body: string }> {
  const url = new URL(target);
  const secure = url.protocol === "https:";
  const tls = secure && options.tls ? options.tls : {};
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(
      url,
      {
        method: options.method,
        headers: options.headers,
        signal: AbortSignal.timeout(options.timeoutMs),
        ...tls,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? "",
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}
