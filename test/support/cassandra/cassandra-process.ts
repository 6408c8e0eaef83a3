import { execFile, spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { processAlive } from "../process-alive.js";
import type { CassandraDistribution } from "./distribution.js";
import { daemonArgs, nodetoolArgs } from "./jvm-options.js";
import { logDir, writeNodeFiles, type NodeSpec } from "./node-spec.js";

const run = promisify(execFile);
const JAVA = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, "bin", "java") : "java";

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

/**
 * One local Cassandra JVM: start, wait until it serves CQL, stop (SIGTERM), kill (SIGKILL), pause
 * (SIGSTOP), resume (SIGCONT), restart. A handle can be rebuilt from its `NodeSpec` in another process
 * (a test worker); the pid file in the run directory is what the watchdog and teardown read.
 */
export class CassandraProcess {
  private child: ChildProcess | undefined;
  private exited = true;
  pid: number | undefined;

  constructor(
    readonly spec: NodeSpec,
    private readonly dist: CassandraDistribution,
  ) {}

  get jolokiaUrl(): string {
    return `http://${this.spec.address}:${this.spec.jolokiaPort}/jolokia`;
  }

  get systemLog(): string {
    return path.join(logDir(this.spec), "system.log");
  }

  private get pidFile(): string {
    return path.join(this.spec.runDir, `${this.spec.name}.pid`);
  }

  /** Reattaches to a JVM started by another process of this run, if its pid file names a live one. */
  async adopt(): Promise<this> {
    const pid = Number(await readFile(this.pidFile, "utf8").catch(() => ""));
    if (pid > 0 && processAlive(pid)) {
      this.pid = pid;
      this.exited = false;
    }
    return this;
  }

  isRunning(): boolean {
    if (this.child) return !this.exited;
    return this.pid !== undefined && processAlive(this.pid);
  }

  /** Starts the JVM and resolves once the node serves CQL; a failed start rejects with the log's tail. */
  async start(timeoutMs = 120_000): Promise<void> {
    if (this.isRunning()) throw new Error(`${this.spec.name} is already running (pid ${this.pid})`);
    await writeNodeFiles(this.spec);
    const out = openSync(path.join(logDir(this.spec), "stdout.log"), "a");
    // Own process group: a Ctrl-C in the terminal reaches the harness, which then stops nodes in order.
    const child = spawn(JAVA, daemonArgs(this.spec, this.dist), {
      stdio: ["ignore", out, out],
      detached: true,
    });
    closeSync(out);
    this.child = child;
    this.exited = false;
    this.pid = child.pid;
    child.once("exit", () => {
      this.exited = true;
    });
    child.unref();
    await writeFile(this.pidFile, String(child.pid));
    await this.waitUntilServing(timeoutMs);
  }

  async waitUntilServing(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.isRunning())
        throw new Error(`${this.spec.name} exited during start-up\n${await this.logTail()}`);
      if (await portOpen(this.spec.address, this.spec.nativePort)) return;
      await sleep(250);
    }
    throw new Error(`${this.spec.name} did not serve CQL within ${timeoutMs} ms\n${await this.logTail()}`);
  }

  private async waitForExit(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.isRunning()) return true;
      await sleep(100);
    }
    return !this.isRunning();
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.pid === undefined || !this.isRunning()) return;
    try {
      process.kill(this.pid, signal);
    } catch (error) {
      // The JVM exited between the check and the signal: nothing left to signal.
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }

  /** SIGTERM and wait for the JVM to exit; SIGKILL if it has not after `timeoutMs`. */
  async stop(timeoutMs = 60_000): Promise<void> {
    this.signal("SIGCONT");
    this.signal("SIGTERM");
    if (!(await this.waitForExit(timeoutMs))) await this.kill();
    await rm(this.pidFile, { force: true });
  }

  async kill(): Promise<void> {
    this.signal("SIGKILL");
    await this.waitForExit(10_000);
    await rm(this.pidFile, { force: true });
  }

  pause(): void {
    this.signal("SIGSTOP");
  }

  resume(): void {
    this.signal("SIGCONT");
  }

  async restart(timeoutMs = 120_000): Promise<void> {
    await this.stop();
    await this.start(timeoutMs);
  }

  /** Runs nodetool against this node on the node's own classpath and returns its standard output. */
  async nodetool(...command: string[]): Promise<string> {
    const { stdout } = await run(JAVA, nodetoolArgs(this.spec, this.dist, command), { maxBuffer: 16 << 20 });
    return stdout;
  }

  /** Current size of system.log, to read only what a later event writes (see `logSince`). */
  async logOffset(): Promise<number> {
    return (await readFile(this.systemLog).catch(() => Buffer.alloc(0))).length;
  }

  async logSince(offset: number): Promise<string> {
    return (await readFile(this.systemLog).catch(() => Buffer.alloc(0))).subarray(offset).toString("utf8");
  }

  async logTail(lines = 60): Promise<string> {
    const text = await readFile(this.systemLog, "utf8").catch(() => "(no system.log yet)");
    return `--- tail of ${this.systemLog} ---\n${text.split("\n").slice(-lines).join("\n")}`;
  }
}
