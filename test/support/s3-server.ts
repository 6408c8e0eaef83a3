import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { createS3Client, type S3ClientOptions } from "../../backup/s3-client.js";
import { freePort } from "./free-port.js";
import { ensureS3Mock, keepCdsArchive, s3MockLaunch } from "./s3mock-install.js";

/*
 * A real S3-compatible server for tests: Adobe S3Mock. Chosen over moto because it checks
 * `x-amz-checksum-*` values (a wrong SHA-256 gets 400) and reports the composite `…-N` checksum of
 * multipart uploads the way S3 does; moto 5.2 accepted a wrong checksum and reported a multipart
 * object's checksum differently from S3. It starts in ~5 s here (more when the machine is busy).
 */

/**
 * A running test server on a free loopback port. `stop` and `start` may be called repeatedly (the outage
 * test does); the port and the data directory stay, so objects and buckets survive a restart. `dispose`
 * stops it and removes its data.
 */
export class S3TestServer {
  #child: ChildProcess | undefined;
  #dumping: string | undefined;
  readonly #buckets = new Set<string>();
  readonly #killOnExit = (): void => void this.#child?.kill("SIGKILL");

  private constructor(
    private readonly jar: string,
    private readonly root: string,
    readonly port: number,
  ) {}

  /** Installs if needed, starts, and creates `bucket`. */
  static async start(bucket = "test-bucket"): Promise<S3TestServer> {
    const jar = await ensureS3Mock();
    const server = new S3TestServer(jar, await mkdtemp(join(tmpdir(), "s3mock-")), await freePort());
    try {
      await server.start();
      await server.createBucket(bucket);
    } catch (error) {
      await server.dispose();
      throw error;
    }
    return server;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Client options for this server: path-style, dummy static credentials. */
  clientOptions(extra: Partial<S3ClientOptions> = {}): S3ClientOptions {
    const credentials = { accessKeyId: "test", secretAccessKey: "test" };
    return { region: "us-east-1", endpoint: this.endpoint, forcePathStyle: true, credentials, ...extra };
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts the process and waits until it answers HTTP. */
  async start(): Promise<void> {
    if (this.#child) return;
    const launch = s3MockLaunch(this.jar, [
      "--server.port=0",
      "--server.address=127.0.0.1",
      `--com.adobe.testing.s3mock.httpPort=${this.port}`,
      `--com.adobe.testing.s3mock.store.root=${this.root}`,
      "--com.adobe.testing.s3mock.store.retainFilesOnExit=true",
      "--spring.main.banner-mode=off",
      "--server.shutdown=immediate",
    ]);
    this.#dumping = launch.dumping;
    const child = spawn(launch.command, launch.args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (d: Buffer): void => void (output = (output + d.toString()).slice(-4000));
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.#child = child;
    process.once("exit", this.#killOnExit);
    const deadline = Date.now() + 60_000;
    while (!(await this.#answers())) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await this.stop();
        throw new Error(`S3Mock did not start on port ${this.port}:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const bucket of this.#buckets) await this.createBucket(bucket);
  }

  /** Stops the process (SIGTERM, then SIGKILL if it lingers) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    process.removeListener("exit", this.#killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      // Writing the CDS archive on exit takes a few seconds: give it time before forcing.
      const timer = setTimeout(() => child.kill("SIGKILL"), this.#dumping ? 30_000 : 5_000);
      await exited;
      clearTimeout(timer);
    }
    await keepCdsArchive(this.#dumping, child.signalCode !== "SIGKILL");
    this.#dumping = undefined;
  }

  /** Stops the server and deletes its data directory. */
  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.root, { recursive: true, force: true });
  }

  /** Creates a bucket; one that already exists (after a restart) is fine. */
  async createBucket(bucket: string): Promise<void> {
    const client = createS3Client(this.clientOptions({ maxAttempts: 1 }));
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (error) {
      const name = (error as Error).name;
      if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw error;
    } finally {
      client.destroy();
    }
    this.#buckets.add(bucket);
  }

  async #answers(): Promise<boolean> {
    try {
      const response = await fetch(this.endpoint, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      return true;
    } catch {
      return false;
    }
  }
}
