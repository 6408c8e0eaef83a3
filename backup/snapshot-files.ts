import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** One file of a snapshot, found on disk, with everything a manifest entry and a restore need. */
export interface SnapshotFile {
  /** Index into the node's data directories. */
  dataDir: number;
  absolutePath: string;
  keyspace: string;
  table: string;
  /** UUID with dashes, from the directory name. */
  tableId: string;
  tableDir: string;
  /** Relative to the snapshot directory (= to the table directory on restore); `.<index>/…` for a 2i. */
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * Files Cassandra writes into every snapshot directory that are not SSTable components. They are not
 * uploaded: `manifest.json` lists files the backup manifest lists anyway, and `schema.cql` is covered by the
 * manifest's `DESCRIBE SCHEMA WITH INTERNALS`; both change with every snapshot and would defeat dedup.
 */
const SNAPSHOT_METADATA = new Set(["manifest.json", "schema.cql"]);
const TABLE_DIR = /^(.+)-([0-9a-f]{32})$/;

function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function entries(path: string): Promise<Dirent[]> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** Every `<dataDir>/<keyspace>/<table>-<id>` directory, optionally of some keyspaces only. */
async function* tableDirs(dataDirs: readonly string[], keyspaces?: ReadonlySet<string>) {
  for (const [index, dataDir] of dataDirs.entries()) {
    for (const ks of await entries(dataDir)) {
      if (!ks.isDirectory() || (keyspaces && !keyspaces.has(ks.name))) continue;
      for (const table of await entries(join(dataDir, ks.name))) {
        const match = TABLE_DIR.exec(table.name);
        if (!table.isDirectory() || !match) continue;
        yield { index, keyspace: ks.name, tableDir: table.name, table: match[1]!, id: match[2]! };
      }
    }
  }
}

/**
 * Lists the files of snapshot `tag` across every data directory (a table's SSTables can be spread over
 * several), recursing into secondary-index subdirectories. Reads directory entries and `stat`s only.
 */
export async function listSnapshotFiles(
  dataDirs: readonly string[],
  tag: string,
  keyspaces?: readonly string[],
): Promise<SnapshotFile[]> {
  const files: SnapshotFile[] = [];
  const wanted = keyspaces ? new Set(keyspaces) : undefined;
  for await (const t of tableDirs(dataDirs, wanted)) {
    const root = join(dataDirs[t.index]!, t.keyspace, t.tableDir, "snapshots", tag);
    for (const rel of await walk(root, "")) {
      if (SNAPSHOT_METADATA.has(rel)) continue;
      const info = await stat(join(root, rel));
      files.push({
        dataDir: t.index,
        absolutePath: join(root, rel),
        keyspace: t.keyspace,
        table: t.table,
        tableId: uuidOf(t.id),
        tableDir: t.tableDir,
        path: rel,
        size: info.size,
        mtimeMs: info.mtimeMs,
      });
    }
  }
  return files;
}

async function walk(root: string, rel: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await entries(join(root, rel))) {
    const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) found.push(...(await walk(root, path)));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

/** Snapshot tags starting with `prefix` present anywhere in the data directories (leftovers of a crash). */
export async function findSnapshotTags(dataDirs: readonly string[], prefix: string): Promise<string[]> {
  const tags = new Set<string>();
  for await (const t of tableDirs(dataDirs)) {
    const dir = join(dataDirs[t.index]!, t.keyspace, t.tableDir, "snapshots");
    for (const entry of await entries(dir)) {
      if (entry.isDirectory() && entry.name.startsWith(prefix)) tags.add(entry.name);
    }
  }
  return [...tags].sort();
}
