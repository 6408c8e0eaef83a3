import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { CqlSession } from "../../agent/cassandra/cql-session.js";

/** Creates `keyspace` with `tables`, each holding `rows` rows of `blobBytes` random (incompressible) bytes. */
export async function writeTables(
  cql: CqlSession,
  keyspace: string,
  tables: string[],
  rows: number,
  blobBytes: number,
  firstId = 0,
): Promise<void> {
  await cql.execute(
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  for (const table of tables) {
    await cql.execute(`CREATE TABLE IF NOT EXISTS ${keyspace}.${table} (id int PRIMARY KEY, v blob)`);
    const insert = `INSERT INTO ${keyspace}.${table} (id, v) VALUES (?, ?)`;
    for (let i = firstId; i < firstId + rows; i += 20) {
      const batch = Array.from({ length: Math.min(20, firstId + rows - i) }, (_, j) =>
        cql.execute(insert, [i + j, randomBytes(blobBytes)]),
      );
      await Promise.all(batch);
    }
  }
}

/** One snapshot file as found on disk by a plain directory walk, with its SHA-256 read from disk. */
export interface DiskFile {
  dataDir: number;
  keyspace: string;
  tableDir: string;
  path: string;
  size: number;
  sha256: string;
}

/**
 * Every file of snapshot `tag` in the data directories, found independently of the agent's own listing
 * (a recursive walk of each data directory), minus Cassandra's own `manifest.json` and `schema.cql`.
 */
export async function snapshotOnDisk(
  dataDirs: string[],
  tag: string,
  keyspaces: string[],
): Promise<DiskFile[]> {
  const found: DiskFile[] = [];
  for (const [dataDir, root] of dataDirs.entries()) {
    const entries = await readdir(root, { recursive: true });
    for (const rel of entries) {
      const parts = rel.split(sep);
      const [keyspace, tableDir, snapshots, snapTag, ...rest] = parts;
      if (snapshots !== "snapshots" || snapTag !== tag || rest.length === 0) continue;
      if (!keyspaces.includes(keyspace!)) continue;
      const full = join(root, rel);
      const info = await stat(full);
      const path = rest.join("/");
      if (!info.isFile() || path === "manifest.json" || path === "schema.cql") continue;
      const sha256 = createHash("sha256")
        .update(await readFile(full))
        .digest("hex");
      found.push({ dataDir, keyspace: keyspace!, tableDir: tableDir!, path, size: info.size, sha256 });
    }
  }
  return found;
}

/** Snapshot directories (any tag) present under the data directories. */
export async function snapshotTagsOnDisk(dataDirs: string[]): Promise<string[]> {
  const tags = new Set<string>();
  for (const root of dataDirs) {
    for (const rel of await readdir(root, { recursive: true })) {
      const parts = relative(root, join(root, rel)).split(sep);
      if (parts.length === 4 && parts[2] === "snapshots") tags.add(parts[3]!);
    }
  }
  return [...tags];
}
