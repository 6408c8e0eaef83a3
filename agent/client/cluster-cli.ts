import { readFileSync } from "node:fs";
import { type Command, Option } from "commander";
import { AgentClient } from "./agent-client.js";
import { clusterSnapshot, decommissionNode, rollingRestart, rollingRestartPlan } from "./cluster-ops.js";
import { clusterStatus, formatStatus, type WaitOptions } from "./cluster-status.js";

interface CommonOptions {
  agents: string;
  tokenFile?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  timeout: string;
  poll: string;
}

function clients(options: CommonOptions): AgentClient[] {
  const token = options.tokenFile ? readFileSync(options.tokenFile, "utf8").trim() : undefined;
  const urls = options.agents
    .split(",")
    .map((u) => u.trim())
    .filter(Boolean);
  if (urls.length === 0) throw new Error("--agents needs at least one URL");
  if (Boolean(options.certFile) !== Boolean(options.keyFile)) {
    throw new Error("--cert-file and --key-file go together");
  }
  const tls = {
    ...(options.caFile ? { ca: readFileSync(options.caFile) } : {}),
    ...(options.certFile ? { cert: readFileSync(options.certFile) } : {}),
    ...(options.keyFile ? { key: readFileSync(options.keyFile) } : {}),
  };
  return urls.map((url) => new AgentClient({ url, ...(token ? { token } : {}), tls }));
}

function waits(options: CommonOptions): WaitOptions {
  return {
    timeoutMs: Number(options.timeout) * 1000,
    pollMs: Number(options.poll) * 1000,
    log: (l) => console.log(l),
  };
}

function common(command: Command): Command {
  return command
    .requiredOption(
      "--agents <urls>",
      "comma-separated agent URLs, in order (e.g. http://cassandra-0:8080,...)",
    )
    .addOption(new Option("--token-file <file>", "file holding the API token").env("AGENT_API_TOKEN_FILE"))
    .addOption(
      new Option("--ca-file <file>", "PEM CA that signed the agents' certificates (https URLs)").env(
        "AGENT_CLIENT_CA_FILE",
      ),
    )
    .addOption(
      new Option("--cert-file <file>", "PEM client certificate, for agents that require one").env(
        "AGENT_CLIENT_CERT_FILE",
      ),
    )
    .addOption(
      new Option("--key-file <file>", "PEM key of the client certificate").env("AGENT_CLIENT_KEY_FILE"),
    )
    .option("--timeout <seconds>", "bound on each wait", "1800")
    .option("--poll <seconds>", "poll interval", "2");
}

type Run = (work: () => Promise<void>) => void;

function statusCommand(cluster: Command, run: Run): void {
  common(cluster.command("status").description("ring, modes and schema agreement across agents"))
    .option("--json", "print JSON")
    .action((o: CommonOptions & { json?: boolean }) =>
      run(async () => {
        const status = await clusterStatus(clients(o));
        console.log(o.json ? JSON.stringify(status, null, 2) : formatStatus(status));
        if (status.problems.length > 0) process.exitCode = 2;
      }),
    );
}

function rollingRestartCommand(cluster: Command, run: Run): void {
  common(
    cluster
      .command("rolling-restart")
      .description("print the plan; with --execute, drain each node in turn and wait"),
  )
    .option("--execute", "run the plan (drain, then wait for Kubernetes to restart the node)")
    .action((o: CommonOptions & { execute?: boolean }) =>
      run(async () => {
        const list = clients(o);
        console.log(`Rolling restart plan:\n  ${rollingRestartPlan(list).join("\n  ")}`);
        if (o.execute) await rollingRestart(list, waits(o));
      }),
    );
}

function snapshotCommand(cluster: Command, run: Run): void {
  common(cluster.command("snapshot").description("snapshot every node with one tag"))
    .requiredOption("--tag <tag>", "the snapshot tag")
    .option("--keyspaces <names>", "comma-separated keyspaces (all when absent)")
    .action((o: CommonOptions & { tag: string; keyspaces?: string }) =>
      run(async () => {
        const keyspaces = o.keyspaces ? o.keyspaces.split(",") : [];
        await clusterSnapshot(clients(o), o.tag, { keyspaces }, waits(o));
      }),
    );
}

function decommissionCommand(cluster: Command, run: Run): void {
  common(cluster.command("decommission").description("decommission one node: LEAVING, then LEFT"))
    .requiredOption("--node <url>", "the agent URL of the node to remove")
    .requiredOption("--confirm", "required: decommissioning cannot be undone")
    .option("--force", "decommission even if a keyspace's RF would exceed the nodes left")
    .action((o: CommonOptions & { node: string; force?: boolean }) =>
      run(async () => {
        const target = clients({ ...o, agents: o.node })[0] as AgentClient;
        const others = clients(o).filter((c) => c.url !== target.url);
        const job = await decommissionNode(target, others, { ...waits(o), force: Boolean(o.force) });
        console.log(`decommission job ${job.id} ${job.state}`);
      }),
    );
}

/**
 * `cassandra-pod-agent cluster …`: commands that coordinate the agents of a whole cluster through their
 * APIs — what a thin operator does, usable without one.
 */
export function registerClusterCommands(program: Command, run: Run): void {
  const cluster = program.command("cluster").description("coordinate the agents of a cluster");
  statusCommand(cluster, run);
  rollingRestartCommand(cluster, run);
  snapshotCommand(cluster, run);
  decommissionCommand(cluster, run);
}
