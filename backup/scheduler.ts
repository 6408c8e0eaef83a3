import cron, { type ScheduledTask } from "node-cron";
import { ConfigError, ConflictError } from "../agent/errors.js";
import type { Logger } from "../agent/logger.js";

/** What the scheduler drives: the backup service, or a fake in tests. */
export interface ScheduledBackups {
  readonly busy: boolean;
  /** Starts a backup named `name` in the background (and, after it, whatever follows a scheduled one). */
  startScheduled(name: string): Promise<void>;
}

export interface SchedulerStats {
  ticks: number;
  started: number;
  /** Ticks that found the previous backup still running and did nothing. */
  skipped: number;
  /** Ticks whose backup could not be started (node unreachable, store refusing …). */
  failed: number;
}

/**
 * The name of a scheduled backup: the tick's time in UTC, truncated to the minute
 * (`scheduled-20261126T1700Z`). Every node's agent fires on the same cron tick, so one tick's backups share
 * a name across the cluster and together form a cluster backup.
 */
export function scheduledName(at: Date): string {
  const iso = at.toISOString(); // 2026-11-26T17:00:12.345Z
  return `scheduled-${iso.slice(0, 10).replace(/-/g, "")}T${iso.slice(11, 16).replace(":", "")}Z`;
}

/**
 * Runs backups on a cron expression (node-cron, evaluated in UTC). Off unless a schedule is configured. A
 * tick that finds the previous backup still running is skipped and counted rather than queued, so a slow
 * backup never piles up runs behind it.
 */
export class BackupScheduler {
  readonly stats: SchedulerStats = { ticks: 0, started: 0, skipped: 0, failed: 0 };
  #task: ScheduledTask | undefined;

  constructor(
    private readonly backups: ScheduledBackups,
    private readonly schedule: string,
    private readonly logger: Logger,
  ) {
    if (!cron.validate(schedule)) {
      throw new ConfigError(`AGENT_BACKUP_SCHEDULE: ${JSON.stringify(schedule)} is not a cron expression`);
    }
  }

  start(): void {
    this.#task ??= cron.schedule(this.schedule, (context) => this.tick(context.date), {
      timezone: "Etc/UTC",
      name: "backup",
    });
    this.logger.info({ schedule: this.schedule, next: this.#task.getNextRun() }, "backup schedule active");
  }

  async stop(): Promise<void> {
    await this.#task?.destroy();
    this.#task = undefined;
  }

  /** One tick (node-cron calls it; tests call it directly). Resolves once the backup has started or not. */
  async tick(at: Date): Promise<"started" | "skipped" | "failed"> {
    this.stats.ticks += 1;
    const name = scheduledName(at);
    if (this.backups.busy) return this.#skip(name);
    try {
      await this.backups.startScheduled(name);
      this.stats.started += 1;
      return "started";
    } catch (error) {
      // Another process (a CLI backup or purge) holds the node: the same as a run still going.
      if (error instanceof ConflictError) return this.#skip(name);
      this.stats.failed += 1;
      this.logger.error({ err: error, backup: name }, "scheduled backup could not start");
      return "failed";
    }
  }

  #skip(name: string): "skipped" {
    this.stats.skipped += 1;
    const skipped = this.stats.skipped;
    this.logger.warn(
      { backup: name, skipped },
      "scheduled backup skipped: the previous one is still running",
    );
    return "skipped";
  }
}
