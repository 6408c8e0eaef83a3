/**
 * `npm start`: fetches Cassandra (once), starts a one-node cluster on 127.0.0.1 with its data under
 * .local/cassandra (kept across runs), and runs the agent beside it with a local backup directory, the
 * embedded default. Ctrl-C stops the agent, then Cassandra, cleanly.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "../agent/config.js";
import { createLogger } from "../agent/logger.js";
import { startAgent } from "../agent/main.js";
import { ensureDistribution } from "../test/support/cassandra/distribution.js";
import { LocalCluster } from "../test/support/cassandra/local-cluster.js";

const root = path.resolve(import.meta.dirname, "..");
const local = path.join(root, ".local");

/** A random API token in .local/api-token, made once and kept (mode 600), as a mounted Secret would be. */
async function localToken(): Promise<string> {
  const file = path.join(local, "api-token");
  if (!existsSync(file)) await writeFile(file, `${randomBytes(24).toString("base64url")}\n`, { mode: 0o600 });
  return file;
}

async function main(): Promise<void> {
  console.log("Fetching Cassandra and the Jolokia agent from Maven Central (cached after the first run) …");
  const dist = await ensureDistribution();
  console.log(`Starting Cassandra ${dist.version} on 127.0.0.1 (data in ${path.join(local, "cassandra")}) …`);
  const cluster = await LocalCluster.start({
    size: 1,
    subnet: 0,
    name: "local",
    baseDir: path.join(local, "cassandra"),
  });
  const [node] = cluster.nodes;
  if (!node) throw new Error("no node started");
  await mkdir(path.join(local, "state"), { recursive: true });
  const tokenFile = await localToken();
  const config = loadConfig({
    AGENT_LISTEN_HOST: "127.0.0.1",
    AGENT_JOLOKIA_URL: node.jolokiaUrl,
    AGENT_CQL_HOST: node.spec.address,
    AGENT_STATE_DIR: path.join(local, "state"),
    AGENT_BACKUP_TARGET: "fs",
    AGENT_BACKUP_DIR: path.join(local, "backups"),
    AGENT_API_TOKEN_FILE: tokenFile,
    ...process.env,
  });
  const agent = await startAgent(config, createLogger(config.logLevel));
  const base = `http://127.0.0.1:${agent.port}`;
  console.log(`
cassandra-pod-agent is running.
  agent        ${base}   (curl ${base}/healthz)
  API          curl -H "Authorization: Bearer $(cat ${tokenFile})" ${base}/api/v1/node
               (token in ${tokenFile}; the OpenAPI document is ${base}/api/v1/openapi.json)
  Cassandra    CQL ${node.spec.address}:${node.spec.nativePort} · Jolokia ${node.jolokiaUrl} · JMX 127.0.0.1:${node.spec.jmxPort}
  system.log   ${node.systemLog}
  backups      ${config.backupDir}
Press Ctrl-C to stop both.
`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the agent, then Cassandra …`);
    await agent.stop();
    await cluster.destroy();
    console.log("Stopped.");
    process.exit(0);
  };
  process.on("SIGINT", (s) => void stop(s));
  process.on("SIGTERM", (s) => void stop(s));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
