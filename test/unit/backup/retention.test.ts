import { describe, expect, it } from "vitest";
import type { BackupSummary } from "../../../backup/catalog.js";
import { planRetention } from "../../../backup/retention.js";

const now = new Date("2026-11-26T12:00:00Z");
const HOUR = 3_600_000;

function backup(
  name: string,
  hoursAgo: number,
  complete = true,
  state?: BackupSummary["state"],
): BackupSummary {
  const at = new Date(now.getTime() - hoursAgo * HOUR).toISOString();
  return {
    name,
    clusterName: "c",
    datacenter: "dc1",
    hostId: "0b9d1f6e-3c55-4a4e-9d1e-6c1c3f1d2a10",
    complete,
    state: state ?? (complete ? "complete" : "failed"),
    startedAt: at,
    writtenAt: at,
  };
}

const names = (list: BackupSummary[]) => list.map((b) => b.name).sort();

describe("planRetention", () => {
  const series = [
    backup("d1", 24 * 10),
    backup("d2", 24 * 8),
    backup("d3", 24 * 5),
    backup("d4", 24 * 2),
    backup("failed-new", 1, false),
    backup("failed-newer", 0.5, false),
    backup("failed-old", 24 * 3, false),
  ];

  it("keeps the newest N complete backups; failures never count toward N", () => {
    const plan = planRetention(series, { keepLast: 2, graceMs: 6 * HOUR }, now, true);
    expect(names(plan.keep)).toEqual(["d3", "d4", "failed-new", "failed-newer"]);
    expect(names(plan.drop)).toEqual(["d1", "d2", "failed-old"]);
  });

  it("keeps backups younger than D days", () => {
    const plan = planRetention(series, { keepDays: 7, graceMs: HOUR / 4 }, now, true);
    expect(names(plan.keep)).toEqual(["d3", "d4"]);
    expect(names(plan.drop)).toEqual(["d1", "d2", "failed-new", "failed-newer", "failed-old"]);
  });

  it("keeps what either rule keeps", () => {
    const plan = planRetention(series, { keepLast: 3, keepDays: 3, graceMs: 0 }, now, true);
    expect(names(plan.keep)).toEqual(["d2", "d3", "d4"]);
  });

  it("always keeps a ring member's newest complete backup, but not a departed node's", () => {
    const old = [backup("old1", 24 * 30), backup("old2", 24 * 20)];
    expect(names(planRetention(old, { keepDays: 7, graceMs: 0 }, now, true).keep)).toEqual(["old2"]);
    expect(names(planRetention(old, { keepDays: 7, graceMs: 0 }, now, false).keep)).toEqual([]);
  });

  it("drops nothing complete without rules, and keeps a run in flight within the grace period", () => {
    const running = backup("running", 2, false, "running");
    const plan = planRetention([...series, running], { graceMs: 6 * HOUR }, now, true);
    expect(names(plan.drop)).toEqual(["failed-old"]);
    expect(plan.keep.map((b) => b.name)).toContain("running");
  });
});
