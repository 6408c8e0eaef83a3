import type { KeyspaceInfo } from "../cassandra/node.js";
import type { RingView } from "../cassandra/views.js";
import type { JobRecord } from "../jobs/job.js";
import type { AgentClient } from "./agent-client.js";
import { GiveUp, waitFor, waitUntilHealthy, type WaitOptions } from "./cluster-status.js";

function succeeded(client: AgentClient, job: JobRecord): JobRecord {
  if (job.state !== "succeeded") {
    throw new Error(
      `${client.url}: ${job.type} job ${job.id} ended ${job.state}${job.error ? `: ${job.error.detail}` : ""}`,
    );
  }
  return job;
}

/** The steps of a rolling restart, one node at a time in the given order. */
export function rollingRestartPlan(clients: AgentClient[]): string[] {
  return clients.flatMap((c, i) => [
    `${i + 1}a. wait until every node is up and normal and the schema agrees`,
    `${i + 1}b. drain ${c.url}`,
    `${i + 1}c. wait until ${c.url} is back (restarted by Kubernetes) and NORMAL with CQL serving`,
  ]);
}

/**
 * Runs the plan: for each node, wait for a healthy cluster, drain it, and wait until it has restarted (its
 * uptime went down) and serves again. The restart itself is Kubernetes' job (the pod is deleted or the
 * container exits after drain); this only coordinates and waits.
 */
export async function rollingRestart(clients: AgentClient[], options: WaitOptions = {}): Promise<void> {
  const log = options.log ?? (() => undefined);
  for (const [i, client] of clients.entries()) {
    log(`step ${i + 1}a: waiting for a healthy cluster`);
    await waitUntilHealthy(clients, options);
    const before = await client.node();
    log(`step ${i + 1}b: draining ${client.url} (${before.endpoint})`);
    const accepted = await client.start("drain", {}, `rolling-restart-${before.hostId}-${before.uptimeMs}`);
    succeeded(client, await client.waitForJob(accepted.id, { intervalMs: options.pollMs ?? 2_000 }));
    log(`step ${i + 1}c: waiting for ${client.url} to come back`);
    await waitFor(
      `${client.url} to restart and serve`,
      async () => {
        const now = await client.node();
        if (now.uptimeMs >= before.uptimeMs) return ["not restarted yet"];
        if (now.operationMode !== "NORMAL" || !now.nativeTransportRunning)
          return [`mode ${now.operationMode}`];
        return [];
      },
      options,
    );
  }
  log("waiting for a healthy cluster after the last node");
  await waitUntilHealthy(clients, options);
}

/** Snapshots every node with one tag; retrying is safe (the tag doubles as the idempotency key). */
export async function clusterSnapshot(
  clients: AgentClient[],
  tag: string,
  body: { keyspaces?: string[] } = {},
  options: WaitOptions = {},
): Promise<JobRecord[]> {
  const started = await Promise.all(
    clients.map((c) => c.start("snapshots", { ...body, tag }, `cluster-snapshot-${tag}`)),
  );
  return Promise.all(
    started.map(async (a, i) => {
      const client = clients[i] as AgentClient;
      const job = succeeded(client, await client.waitForJob(a.id, { intervalMs: options.pollMs ?? 1_000 }));
      options.log?.(`${client.url}: snapshot ${tag} taken`);
      return job;
    }),
  );
}

/**
 * Keyspaces whose replication factor in the leaving node's data center would exceed the nodes left there:
 * Cassandra 5.0 refuses such a decommission ("Not enough live nodes to maintain replication factor"), and
 * cass-operator checks the same before it starts one.
 */
export function replicationProblems(keyspaces: KeyspaceInfo[], ring: RingView, leaving: string): string[] {
  const dc = ring.endpoints.find((e) => e.endpoint === leaving)?.datacenter;
  const left = ring.endpoints.filter((e) => e.datacenter === dc && e.endpoint !== leaving).length;
  return keyspaces.flatMap((k) => {
    const r = k.replication;
    const rf = Number(r.class?.endsWith("SimpleStrategy") ? r.replication_factor : dc ? r[dc] : undefined);
    return Number.isFinite(rf) && rf > left
      ? [`${k.name} has RF ${rf} in ${dc} but ${left} nodes would remain`]
      : [];
  });
}

/**
 * Decommissions the node behind `target` the way cass-operator does: check that the cluster is healthy and
 * that the remaining nodes can hold every keyspace's replicas, start the decommission, watch the ring
 * (through another agent) show the node LEAVING and then drop it (LEFT), and check the job succeeded.
 * A failed job ends the wait at once.
 */
export async function decommissionNode(
  target: AgentClient,
  others: AgentClient[],
  options: WaitOptions & { force?: boolean } = {},
): Promise<JobRecord> {
  const log = options.log ?? (() => undefined);
  const watcher = others[0];
  if (!watcher) throw new Error("decommission needs at least one other agent to watch the ring");
  await waitUntilHealthy([target, ...others], options);
  const endpoint = (await target.node()).endpoint ?? "";
  const problems = replicationProblems(await target.keyspaces(), await watcher.ring(), endpoint);
  if (problems.length > 0 && !options.force)
    throw new Error(`refusing to decommission ${endpoint}: ${problems.join("; ")}`);
  log(`decommissioning ${target.url} (${endpoint})`);
  const accepted = await target.start(
    "decommission",
    { confirm: true, force: Boolean(options.force) },
    `decommission-${endpoint}`,
  );
  let seenLeaving = false;
  await waitFor(
    `${endpoint} to leave the ring`,
    async () => {
      const job = await target.job(accepted.id);
      if (!["queued", "running", "succeeded"].includes(job.state)) {
        throw new GiveUp(`decommission job ${job.id} ${job.state}: ${job.error?.detail ?? ""}`);
      }
      const entry = (await watcher.ring()).endpoints.find((e) => e.endpoint === endpoint);
      if (entry?.state === "leaving" && !seenLeaving) {
        seenLeaving = true;
        log(`${endpoint} is LEAVING`);
      }
      return entry ? [`${endpoint} still ${entry.state}`] : [];
    },
    options,
  );
  log(`${endpoint} has LEFT the ring`);
  return succeeded(target, await target.waitForJob(accepted.id, { intervalMs: options.pollMs ?? 1_000 }));
}
