import Jolokia, { type JolokiaRequest } from "jolokia.js";
import type { AgentError } from "../errors.js";
import { entryError, transportError, type JolokiaEntryError } from "./jolokia-errors.js";

export type JolokiaOutcome = { ok: true; value: unknown } | { ok: false; error: AgentError };

export interface JolokiaClientOptions {
  url: string;
  timeoutMs: number;
  /** Sent as a header: jolokia.js's own username/password options need a browser `window`. */
  authorization?: string;
  /** Called after every HTTP round trip, for metrics. */
  onRequest?: (durationMs: number, failed: boolean) => void;
}

function describe(request: JolokiaRequest): string {
  if (request.type === "exec") return `${request.mbean} ${request.operation}`;
  if (request.type === "read") return `${request.mbean} ${String(request.attribute ?? "")}`;
  return request.type;
}

/**
 * The HTTP transport to the Jolokia agent inside Cassandra's JVM. Every call is a bulk POST so that one
 * round trip reads everything a caller needs; each entry comes back as its own outcome, because Jolokia
 * reports JMX failures per entry inside an HTTP 200.
 */
export class JolokiaClient {
  private readonly jolokia;

  constructor(private readonly options: JolokiaClientOptions) {
    const headers: Record<string, string> = {};
    if (options.authorization) headers.Authorization = options.authorization;
    // No fetchError handler: in promise mode jolokia.js then rejects on transport failures, which we map.
    this.jolokia = new Jolokia({ url: options.url, method: "post", headers });
  }

  get url(): string {
    return this.options.url;
  }

  /** Sends requests in one round trip; rejects only when the whole request failed (transport, timeout). */
  async bulk(requests: JolokiaRequest[], timeoutMs = this.options.timeoutMs): Promise<JolokiaOutcome[]> {
    const started = performance.now();
    let answer: unknown;
    try {
      answer = await this.jolokia.request(requests, {
        timeout: timeoutMs,
        method: "post",
        mimeType: "application/json",
        serializeLong: "string",
        includeStackTrace: false,
      });
    } catch (error) {
      this.options.onRequest?.(performance.now() - started, true);
      throw transportError(error, this.options.url, timeoutMs);
    }
    this.options.onRequest?.(performance.now() - started, false);
    const entries = Array.isArray(answer) ? answer : [answer];
    return requests.map((request, i) => {
      const entry = entries[i] as (JolokiaEntryError & { value?: unknown }) | undefined;
      if (!entry)
        return { ok: false, error: entryError({ status: 500, error: "no answer" }, describe(request)) };
      if (entry.status !== 200) return { ok: false, error: entryError(entry, describe(request)) };
      return { ok: true, value: entry.value };
    });
  }

  /** One request; a failed entry is thrown as its typed error. */
  async one(request: JolokiaRequest, timeoutMs?: number): Promise<unknown> {
    const [outcome] = await this.bulk([request], timeoutMs);
    if (!outcome) throw entryError({ status: 500, error: "no answer" }, describe(request));
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  read(mbean: string, attribute: string | string[], timeoutMs?: number): Promise<unknown> {
    return this.one({ type: "read", mbean, attribute }, timeoutMs);
  }

  exec(mbean: string, operation: string, args: unknown[] = [], timeoutMs?: number): Promise<unknown> {
    return this.one({ type: "exec", mbean, operation, arguments: args }, timeoutMs);
  }
}
