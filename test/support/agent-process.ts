import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { agentStateDir } from "./agent-token.js";
import { freePort } from "./cassandra/local-network.js";

export const CLI = fileURLToPath(new URL("../../dist/agent/cli.js", import.meta.url));

/** The built agent (`dist/agent/cli.js`) running as its own process, as in a pod. */
export interface AgentProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  /** The environment a `prestop` or CLI call needs to reach this agent (port and token file). */
  clientEnv: Record<string, string>;
  /** The Authorization header value for this agent's API (with the default token file). */
  authorization: string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `cassandra-pod-agent serve` with the given environment and waits until /healthz answers. It gets a
 * state directory and an API token file of its own unless `env` names others.
 */
export async function startAgentProcess(env: Record<string, string>): Promise<AgentProcess> {
  const port = await freePort();
  let localPort = await freePort();
  while (localPort === port) localPort = await freePort();
  const state = agentStateDir();
  const child = spawn(process.execPath, [CLI, "serve"], {
    env: {
      ...process.env,
      AGENT_LISTEN_HOST: "127.0.0.1",
      AGENT_PORT: String(port),
      AGENT_LOCAL_PORT: String(localPort),
      AGENT_LOG_LEVEL: "info",
      ...state.env,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += String(chunk)));
  child.stderr?.on("data", (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`agent exited during start-up:\n${output}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await sleep(100);
  }
  return {
    child,
    port,
    url,
    output: () => output,
    clientEnv: {
      AGENT_PORT: String(port),
      AGENT_LOCAL_PORT: env.AGENT_LOCAL_PORT ?? String(localPort),
      AGENT_API_TOKEN_FILE: env.AGENT_API_TOKEN_FILE ?? state.tokenFile,
    },
    authorization: `Bearer ${state.token}`,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
