import { setTimeout as sleep } from "node:timers/promises";
import type { RingView } from "../cassandra/views.js";
import { AgentCallError, type AgentClient, type NodeView } from "./agent-client.js";

/** What one agent said, or why it could not say. */
export interface AgentAnswer {
  url: string;
  node?: NodeView;
  error?: string;
}

/** The whole cluster as its agents see it. */
export interface ClusterStatus {
  agents: AgentAnswer[];
  ring?: RingView;
  schemaAgreement?: boolean;
  /** Empty when every endpoint is up and normal, the schema agrees and every agent answered. */
  problems: string[];
}

/** Why a ring plus schema view is not healthy: what a rolling restart must wait out. */
export function ringProblems(ring: RingView, schemaAgreement: boolean): string[] {
  const problems = ring.endpoints
    .filter((e) => e.status !== "up" || e.state !== "normal")
    .map((e) => `${e.endpoint} is ${e.status}/${e.state}`);
  if (!schemaAgreement) problems.push("schema versions disagree");
  return problems;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Asks every agent for its node and the first that answers for the ring and schema agreement. */
export async function clusterStatus(clients: AgentClient[]): Promise<ClusterStatus> {
  const agents = await Promise.all(
    clients.map(async (client): Promise<AgentAnswer> => {
      try {
        return { url: client.url, node: await client.node() };
      } catch (error) {
        return { url: client.url, error: message(error) };
      }
    }),
  );
  const problems = agents.filter((a) => a.error).map((a) => `agent ${a.url}: ${a.error}`);
  for (const client of clients) {
    try {
      const [ring, schema] = await Promise.all([client.ring(), client.schemaVersions()]);
      return {
        agents,
        ring,
        schemaAgreement: schema.agreement,
        problems: [...problems, ...ringProblems(ring, schema.agreement)],
      };
    } catch (error) {
      if (!(error instanceof AgentCallError)) throw error;
    }
  }
  return { agents, problems: [...problems, "no agent could report the ring"] };
}

export interface WaitOptions {
  pollMs?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** Thrown from a `waitFor` check to stop waiting at once (other errors count as one more problem). */
export class GiveUp extends Error {}

/** Polls until `check` returns no problems; logs each new set of problems; throws after the timeout. */
export async function waitFor(
  what: string,
  check: () => Promise<string[]>,
  options: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  let last = "";
  for (;;) {
    const problems = await check().catch((error: unknown) => {
      if (error instanceof GiveUp) throw error;
      return [message(error)];
    });
    if (problems.length === 0) return;
    const now = problems.join("; ");
    if (now !== last) options.log?.(`  waiting for ${what}: ${now}`);
    last = now;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${now}`);
    await sleep(options.pollMs ?? 2_000);
  }
}

/** Waits until every endpoint is up and normal and the schema agrees, as seen through the agents. */
export function waitUntilHealthy(clients: AgentClient[], options: WaitOptions = {}): Promise<void> {
  return waitFor(
    "every node up/normal with one schema",
    async () => (await clusterStatus(clients)).problems,
    options,
  );
}

/** Renders a status as a `nodetool status`-like table plus one line per problem. */
export function formatStatus(status: ClusterStatus): string {
  const lines = [
    "Endpoint              Status  State    Load         Owns    Host ID                               DC/Rack",
  ];
  for (const e of status.ring?.endpoints ?? []) {
    const owns = e.ownership === null ? "?" : `${(e.ownership * 100).toFixed(1)}%`;
    lines.push(
      `${e.endpoint.padEnd(22)}${e.status.padEnd(8)}${e.state.padEnd(9)}${(e.load ?? "?").padEnd(13)}${owns.padEnd(8)}${(e.hostId ?? "?").padEnd(38)}${e.datacenter}/${e.rack}`,
    );
  }
  for (const a of status.agents)
    lines.push(
      `agent ${a.url}: ${a.node ? `${a.node.endpoint} ${a.node.operationMode}` : `unreachable (${a.error})`}`,
    );
  lines.push(
    `schema agreement: ${status.schemaAgreement === undefined ? "unknown" : status.schemaAgreement ? "yes" : "NO"}`,
  );
  lines.push(status.problems.length === 0 ? "healthy" : `problems:\n  ${status.problems.join("\n  ")}`);
  return lines.join("\n");
}
