import { backupTime, type BackupSummary } from "./catalog.js";

const DAY_MS = 86_400_000;

/** Which backups to keep. A rule left at 0 (or unset) does not apply; with no rule at all nothing is dropped. */
export interface RetentionRules {
  /** Keep the newest N complete backups of each node. */
  keepLast?: number;
  /** Keep complete backups that started less than D days ago. */
  keepDays?: number;
  /**
   * Objects, run records and incomplete backups younger than this are never deleted, so a backup in flight
   * (which may be about to reference an object, or has not written its manifest yet) loses nothing.
   */
  graceMs: number;
}

export interface RetentionPlan {
  keep: BackupSummary[];
  drop: BackupSummary[];
}

/**
 * Decides, for one node's backups, which to keep. A complete backup is kept when *any* rule keeps it (adding
 * a rule never deletes more). Incomplete backups never count toward "keep last N", so a run of failures can
 * never push the last good backups out; they are dropped once older than the grace period. The newest
 * complete backup of a node still in the ring is always kept, whatever the rules say, so a schedule that
 * stopped for longer than `keepDays` does not leave a node with no backup. A node that left the ring gets
 * no such exception: its backups age out by the same rules.
 */
export function planRetention(
  backups: readonly BackupSummary[],
  rules: RetentionRules,
  now: Date,
  inRing: boolean,
): RetentionPlan {
  const keep: BackupSummary[] = [];
  const drop: BackupSummary[] = [];
  const rulesSet = (rules.keepLast ?? 0) > 0 || (rules.keepDays ?? 0) > 0;
  const complete = backups
    .filter((b) => b.complete)
    .sort((a, b) => backupTime(b).localeCompare(backupTime(a)));
  complete.forEach((backup, index) => {
    const age = ageMs(backup, now);
    const kept =
      !rulesSet ||
      index < (rules.keepLast ?? 0) ||
      ((rules.keepDays ?? 0) > 0 && age < (rules.keepDays ?? 0) * DAY_MS) ||
      (inRing && index === 0);
    (kept ? keep : drop).push(backup);
  });
  for (const backup of backups.filter((b) => !b.complete)) {
    (ageMs(backup, now) < rules.graceMs ? keep : drop).push(backup);
  }
  return { keep, drop };
}

/**
 * How old a backup is: since it started for a complete one, since its last write for an incomplete one (a
 * run still going). One with no known time counts as new, so it is never dropped by mistake.
 */
function ageMs(backup: BackupSummary, now: Date): number {
  const time = Date.parse((backup.complete ? backupTime(backup) : backup.writtenAt) ?? backupTime(backup));
  return Number.isNaN(time) ? 0 : now.getTime() - time;
}
