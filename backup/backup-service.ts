import { ConflictError, isAgentError } from "../agent/errors.js";
import { BackupCancelledError } from "./backup-errors.js";
import {
  runBackup,
  type BackupDeps,
  type BackupOptions,
  type BackupRequest,
  type BackupResult,
} from "./backup-run.js";
import { emptyTotals } from "./manifest.js";
import { acquireNodeLock } from "./node-lock.js";
import type { BackupProgress } from "./progress.js";

export type BackupOrigin = "api" | "schedule" | "cli";

/** What the API shows of a backup this agent ran or is running. */
export interface BackupRunView {
  name: string;
  origin: BackupOrigin;
  state: "running" | "complete" | "failed" | "cancelled";
  startedAt: string;
  finishedAt?: string;
  progress: BackupProgress;
  result?: BackupResult;
  error?: { code: string; message: string };
}

export interface BackupServiceOptions extends BackupOptions {
  /** Lock file shared with CLI commands on this node; none in unit tests. */
  lockFile?: string;
  /** Finished runs remembered for the API. */
  keepRecent?: number;
  /** Keyspaces of scheduled backups; the default selection when omitted. */
  scheduledKeyspaces?: string[];
  /** Runs after each successful scheduled backup, still holding the lock (the retention purge). */
  afterScheduled?: () => Promise<void>;
}

/**
 * Runs backups of the local node one at a time, in the background, and remembers how they went. The API,
 * the scheduler and the CLI all go through it, so two backups of one node never overlap (the lock file
 * extends that to other processes). Shaped so the API's job model can take it over: each run has an id
 * (its name), progress, a final record, and can be cancelled.
 */
export class BackupService {
  #current: { view: BackupRunView; controller: AbortController; done: Promise<void> } | undefined;
  readonly #recent: BackupRunView[] = [];

  constructor(
    private readonly deps: BackupDeps,
    private readonly options: BackupServiceOptions,
  ) {}

  get busy(): boolean {
    return this.#current !== undefined;
  }

  /**
   * Starts a backup and resolves once its checks passed and the snapshot is being taken, so a bad keyspace,
   * a name already used or an unreachable node is an error of the request, not a failed run.
   */
  async start(request: BackupRequest, origin: BackupOrigin): Promise<BackupRunView> {
    if (this.#current) throw new ConflictError(`backup ${this.#current.view.name} is still running`);
    const controller = new AbortController();
    const view: BackupRunView = {
      name: request.name,
      origin,
      state: "running",
      startedAt: new Date().toISOString(),
      progress: { phase: "preparing", filesDone: 0, bytesDone: 0, ...emptyTotals() },
    };
    let started!: () => void;
    const checked = new Promise<void>((resolve) => (started = resolve));
    const done = this.#run(request, view, controller.signal, started);
    this.#current = { view, controller, done };
    await Promise.race([checked, done]);
    if (view.state === "failed" && view.progress.phase === "preparing") {
      this.#recent.shift();
      throw this.#errors.get(view);
    }
    return view;
  }

  /** For the scheduler: starts a backup named after the tick. */
  async startScheduled(name: string): Promise<void> {
    const keyspaces = this.options.scheduledKeyspaces;
    await this.start({ name, ...(keyspaces?.length ? { keyspaces } : {}) }, "schedule");
  }

  /** Runs a backup to the end (the CLI's way); rejects like the run did. */
  async run(request: BackupRequest, origin: BackupOrigin): Promise<BackupResult> {
    const view = await this.start(request, origin);
    await this.#current?.done;
    if (view.result) return view.result;
    throw this.#errors.get(view);
  }

  /** The running backup and recent ones, newest first. */
  list(): BackupRunView[] {
    return [...(this.#current ? [this.#current.view] : []), ...this.#recent];
  }

  get(name: string): BackupRunView | undefined {
    return this.list().find((view) => view.name === name);
  }

  /** Cancels the running backup (for shutdown) and waits until it has cleaned up. */
  async stop(): Promise<void> {
    const current = this.#current;
    if (!current) return;
    current.controller.abort(new BackupCancelledError("the agent is shutting down"));
    await current.done;
  }

  /** The error each failed run threw, for `start` and `run` to rethrow as it was. */
  readonly #errors = new WeakMap<BackupRunView, unknown>();

  async #run(request: BackupRequest, view: BackupRunView, signal: AbortSignal, started: () => void) {
    let release: (() => Promise<void>) | undefined;
    try {
      if (this.options.lockFile)
        release = await acquireNodeLock(this.options.lockFile, `backup ${request.name}`);
      const onProgress = (progress: BackupProgress): void => {
        view.progress = progress;
        if (progress.phase !== "preparing") started();
      };
      view.result = await runBackup(this.deps, request, this.options, { onProgress, signal });
      view.state = "complete";
      if (view.origin === "schedule") await this.#afterScheduled();
    } catch (error) {
      this.#errors.set(view, error);
      view.state = error instanceof BackupCancelledError ? "cancelled" : "failed";
      view.error = isAgentError(error)
        ? { code: error.code, message: error.message }
        : { code: "internal-error", message: "the backup failed; see the agent's log" };
    } finally {
      await release?.();
      view.finishedAt = new Date().toISOString();
      this.#current = undefined;
      this.#recent.unshift(view);
      this.#recent.splice(this.options.keepRecent ?? 20);
      started();
    }
  }

  async #afterScheduled(): Promise<void> {
    try {
      await this.options.afterScheduled?.();
    } catch (error) {
      this.deps.logger.error({ err: error }, "the purge after a scheduled backup failed");
    }
  }
}
