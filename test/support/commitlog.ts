/**
 * How many commit-log mutations a start replayed, from the lines Cassandra 5.0 logs during start-up
 * ("Log replay complete, N replayed mutations in M ms" or "No commitlog files found; skipping replay").
 */
export function replayedMutations(startupLog: string): number {
  if (startupLog.includes("No commitlog files found; skipping replay")) return 0;
  const match = /Log replay complete, (\d+) replayed mutations/.exec(startupLog);
  if (!match?.[1]) throw new Error("the start-up log has no commit-log replay line");
  return Number(match[1]);
}
