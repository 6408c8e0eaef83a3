import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CLI, type AgentProcess } from "./agent-process.js";

const run = promisify(execFile);

export interface PrestopResult {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Runs `cassandra-pod-agent prestop` against an agent, as the kubelet's exec hook would. */
export async function runPrestop(
  agent: Pick<AgentProcess, "clientEnv">,
  env: Record<string, string> = {},
): Promise<PrestopResult> {
  const started = Date.now();
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, "prestop"], {
      env: { ...process.env, ...agent.clientEnv, ...env },
    });
    return { code: 0, stdout, stderr, durationMs: Date.now() - started };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: e.code ?? -1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? "",
      durationMs: Date.now() - started,
    };
  }
}
