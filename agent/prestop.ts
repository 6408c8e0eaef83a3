import { loadConfig } from "./config.js";
import { readSecretFile } from "./secrets.js";

/** Extra time past the drain budget to wait for the agent's answer (it enforces the budget itself). */
const ANSWER_MARGIN_MS = 10_000;

interface DrainAnswer {
  outcome?: string;
  durationMs?: number;
  detail?: string;
  code?: string;
}

/**
 * `cassandra-pod-agent prestop`: asks the agent in this pod to drain Cassandra and waits for the answer.
 * Resolves to a one-line summary; rejects with a one-line reason, which the kubelet records as the hook's
 * failure. The kubelet sends SIGTERM either way once the hook returns.
 */
export async function prestop(options: { url?: string }): Promise<string> {
  const config = loadConfig();
  // The local port speaks plain HTTP whatever TLS the main port asks for (see listenLocal).
  const base = options.url ?? `http://127.0.0.1:${config.localPort > 0 ? config.localPort : config.port}`;
  const headers: Record<string, string> = { "content-type": "application/json" };
  const tokenFile = process.env.AGENT_API_TOKEN_FILE;
  if (tokenFile) headers.authorization = `Bearer ${readSecretFile(tokenFile, "AGENT_API_TOKEN_FILE")}`;
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1/node/drain?wait=true`, {
      method: "POST",
      headers,
      body: "{}",
      signal: AbortSignal.timeout(config.drainTimeoutMs + ANSWER_MARGIN_MS),
    });
  } catch (error) {
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new Error(`the agent at ${base} did not answer the drain request (${reason})`, { cause: error });
  }
  const answer = (await res.json().catch(() => ({}))) as DrainAnswer;
  if (!res.ok) throw new Error(`drain failed: ${answer.detail ?? `HTTP ${res.status}`}`);
  return answer.outcome === "already-drained"
    ? "Cassandra was already drained"
    : `Cassandra drained in ${answer.durationMs ?? "?"} ms`;
}
