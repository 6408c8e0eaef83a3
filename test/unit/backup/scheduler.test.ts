import { describe, expect, it } from "vitest";
import { CassandraUnavailableError, ConfigError, ConflictError } from "../../../agent/errors.js";
import { BackupScheduler, scheduledName, type ScheduledBackups } from "../../../backup/scheduler.js";
import { capturedLogger } from "../../support/app-deps.js";

/** Backups that "run" until `finish()` is called, like a long backup would. */
class PendingBackups implements ScheduledBackups {
  busy = false;
  started: string[] = [];
  failWith: Error | undefined;
  async startScheduled(name: string): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.started.push(name);
    this.busy = true;
  }
  finish(): void {
    this.busy = false;
  }
}

describe("scheduledName", () => {
  it("names a backup after the tick's UTC minute, so every node's backup of one tick shares it", () => {
    expect(scheduledName(new Date("2026-11-26T17:00:42.123Z"))).toBe("scheduled-20261126T1700Z");
    expect(scheduledName(new Date("2026-01-02T03:04:59.999+02:00"))).toBe("scheduled-20260102T0104Z");
  });
});

describe("BackupScheduler", () => {
  const { logger, lines } = capturedLogger();

  it("refuses an invalid cron expression, naming the option", () => {
    expect(() => new BackupScheduler(new PendingBackups(), "every hour", logger)).toThrow(ConfigError);
    expect(() => new BackupScheduler(new PendingBackups(), "every hour", logger)).toThrow(
      /AGENT_BACKUP_SCHEDULE/,
    );
  });

  it("skips and counts ticks that find the previous backup still running", async () => {
    const backups = new PendingBackups();
    const scheduler = new BackupScheduler(backups, "0 * * * *", logger);
    expect(await scheduler.tick(new Date("2026-11-26T17:00:00Z"))).toBe("started");
    expect(await scheduler.tick(new Date("2026-11-26T18:00:00Z"))).toBe("skipped");
    expect(await scheduler.tick(new Date("2026-11-26T19:00:00Z"))).toBe("skipped");
    backups.finish();
    expect(await scheduler.tick(new Date("2026-11-26T20:00:00Z"))).toBe("started");
    expect(backups.started).toEqual(["scheduled-20261126T1700Z", "scheduled-20261126T2000Z"]);
    expect(scheduler.stats).toEqual({ ticks: 4, started: 2, skipped: 2, failed: 0 });
    expect(lines.some((l) => l.includes("skipped"))).toBe(true);
  });

  it("counts a lock held by another process as a skip, and other start failures as failures", async () => {
    const backups = new PendingBackups();
    const scheduler = new BackupScheduler(backups, "0 * * * *", logger);
    backups.failWith = new ConflictError("another backup is running on this node (pid 12)");
    expect(await scheduler.tick(new Date())).toBe("skipped");
    backups.failWith = new CassandraUnavailableError("Jolokia is not reachable");
    expect(await scheduler.tick(new Date())).toBe("failed");
    expect(scheduler.stats).toMatchObject({ skipped: 1, failed: 1, started: 0 });
  });

  it("starts and stops a real node-cron task", async () => {
    const scheduler = new BackupScheduler(new PendingBackups(), "*/5 * * * *", logger);
    scheduler.start();
    await scheduler.stop();
    expect(scheduler.stats.ticks).toBe(0);
  });
});
