import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { freePort } from "./cassandra/local-network.js";
import { REPO_ROOT } from "./k8s-tools.js";

const run = promisify(execFile);

/** Paths of Debian's Prometheus server and promtool, unpacked by `scripts/install-prometheus.sh`. */
export interface PrometheusTools {
  prometheus: string;
  promtool: string;
}

let pending: Promise<PrometheusTools> | undefined;

/** Runs the idempotent installer once per process (it locks, so parallel test files are safe). */
export function ensurePrometheus(): Promise<PrometheusTools> {
  pending ??= (async () => {
    const script = path.join(REPO_ROOT, "scripts", "install-prometheus.sh");
    try {
      const { stdout } = await run("bash", [script], { maxBuffer: 16 << 20, timeout: 10 * 60_000 });
      const dir = stdout.trim().split("\n").pop() ?? "";
      return { prometheus: path.join(dir, "prometheus"), promtool: path.join(dir, "promtool") };
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`scripts/install-prometheus.sh failed: ${e.stderr || e.message}`, { cause: error });
    }
  })();
  return pending;
}

/** Runs promtool; resolves with its output and exit code instead of throwing on a non-zero exit. */
export async function promtool(args: string[], input?: string): Promise<{ code: number; output: string }> {
  const { promtool: bin } = await ensurePrometheus();
  return new Promise((resolve) => {
    const child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c) => (output += String(c)));
    child.stderr.on("data", (c) => (output += String(c)));
    child.once("close", (code) => resolve({ code: code ?? -1, output }));
    child.stdin.end(input ?? "");
  });
}

/** A Prometheus server of our own on a free loopback port, with its own config and storage. */
export interface PrometheusServer {
  url: string;
  child: ChildProcess;
  /** Runs an instant query and returns `data.result`. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Stops the server by its PID (SIGTERM, then SIGKILL after 10 s) and removes its folder. */
  stop(): Promise<void>;
}

/** Starts Prometheus scraping `target` (host:port) every second, and waits until it is ready. */
export async function startPrometheus(target: string): Promise<PrometheusServer> {
  const { prometheus } = await ensurePrometheus();
  const dir = await mkdtemp(path.join(tmpdir(), "cpa-prometheus-"));
  const config = path.join(dir, "prometheus.yml");
  await writeFile(
    config,
    `global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: cassandra
    static_configs: [{ targets: ["${target}"] }]
`,
  );
  const port = await freePort();
  const child = spawn(
    prometheus,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (c) => (log = (log + String(c)).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(child.pid, "SIGTERM");
      const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || i > 300) {
      await stop();
      throw new Error(`Prometheus did not become ready:\n${log}`);
    }
    if (
      await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await sleep(100);
  }
  const query = async (expr: string) => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; data: { result: unknown[] } };
    if (body.status !== "success") throw new Error(`query ${expr} failed: ${JSON.stringify(body)}`);
    return body.data.result as { metric: Record<string, string>; value: [number, string] }[];
  };
  return { url, child, query, stop };
}
