import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/** Percentile of a sorted array of numbers (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Resident set size of a process in MB, from /proc. */
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return Number(line?.replace(/\D+/g, "") ?? 0) / 1024;
}

/**
 * Sends GETs to `url` at a fixed rate (open loop: a slow answer does not delay the next request) for
 * `seconds`, over keep-alive connections, and returns each request's latency in ms.
 */
export async function constantRate(url: string, perSecond: number, seconds: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const interval = 1000 / perSecond;
  const start = performance.now();
  for (let i = 0; i < perSecond * seconds; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(
      new Promise<void>((resolve) => {
        const t0 = performance.now();
        http
          .get(url, { agent }, (res) => {
            res.resume();
            res.on("end", () => {
              latencies.push(performance.now() - t0);
              resolve();
            });
          })
          .on("error", () => resolve());
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return latencies;
}

/** Spawns a node script and waits until `url` answers. */
export async function spawnAndWait(
  args: string[],
  env: NodeJS.ProcessEnv,
  url: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(url).then(
        () => true,
        () => false,
      )
    )
      return child;
    await sleep(50);
  }
  child.kill("SIGKILL");
  throw new Error(`${args.join(" ")} did not answer at ${url}`);
}

export function summary(label: string, latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(2).padStart(7);
  return `${label.padEnd(34)} n=${String(sorted.length).padStart(5)}  p50=${f(percentile(sorted, 50))} ms  p99=${f(percentile(sorted, 99))} ms  max=${f(sorted.at(-1) ?? NaN)} ms`;
}

/** Runs a benchmark's main function, printing any failure and exiting non-zero. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
