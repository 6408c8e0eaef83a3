import { randomUUID } from "node:crypto";
import { copyFile, link, mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CassandraOperationError } from "../../../agent/errors.js";

/** The SSTable components a fake table gets, like Cassandra 5.0's `big` format writes them. */
const COMPONENTS = [
  "Data.db",
  "Index.db",
  "Filter.db",
  "Summary.db",
  "Statistics.db",
  "Digest.crc32",
  "TOC.txt",
];

/** Table directory name the way Cassandra builds it: `<table>-<id without dashes>`. */
export function tableDirName(table: string, id: string = randomUUID()): string {
  return `${table}-${id.replace(/-/g, "")}`;
}

/**
 * Writes one fake SSTable (`nb-<generation>-big-*`) into a table directory of a data directory, with
 * `dataBytes` random-ish bytes in Data.db. Returns the table directory.
 */
export async function writeFakeSSTable(
  dataDir: string,
  keyspace: string,
  tableDir: string,
  generation: number,
  dataBytes = 1024,
): Promise<string> {
  const dir = join(dataDir, keyspace, tableDir);
  await mkdir(dir, { recursive: true });
  for (const component of COMPONENTS) {
    const size = component === "Data.db" ? dataBytes : 16 + generation;
    const body = Buffer.alloc(size, `${keyspace}.${tableDir}.${generation}.${component}`);
    await writeFile(join(dir, `nb-${generation}-big-${component}`), body);
  }
  return dir;
}

async function dirs(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

/** Every table directory under the data directories, optionally only of some keyspaces. */
async function tableDirs(dataDirs: string[], keyspaces: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const dataDir of dataDirs) {
    for (const ks of await dirs(dataDir)) {
      if (keyspaces.length > 0 && !keyspaces.includes(ks)) continue;
      for (const table of await dirs(join(dataDir, ks))) found.push(join(dataDir, ks, table));
    }
  }
  return found;
}

/** What Cassandra's takeSnapshot does on disk: hard links of every live file into `snapshots/<tag>/`. */
export async function snapshotOnDisk(dataDirs: string[], tag: string, keyspaces: string[]): Promise<void> {
  const tables = await tableDirs(dataDirs, keyspaces);
  for (const table of tables) {
    if (await stat(join(table, "snapshots", tag)).catch(() => undefined)) {
      throw new CassandraOperationError(`Snapshot ${tag} already exists.`);
    }
  }
  for (const table of tables) {
    const target = join(table, "snapshots", tag);
    await mkdir(target, { recursive: true });
    for (const entry of await readdir(table, { withFileTypes: true })) {
      if (entry.isFile()) await link(join(table, entry.name), join(target, entry.name));
    }
  }
}

export async function clearSnapshotOnDisk(dataDirs: string[], tag: string): Promise<void> {
  for (const table of await tableDirs(dataDirs, [])) {
    await rm(join(table, "snapshots", tag), { recursive: true, force: true });
  }
}

/**
 * What `importNewSSTables` does on disk: the files of `sources` get the next free generations in the
 * table's directory (the first data directory holding it), moved or copied.
 */
export async function importOnDisk(
  dataDirs: string[],
  keyspace: string,
  table: string,
  sources: string[],
  copyData: boolean,
): Promise<void> {
  const target = (await tableDirs(dataDirs, [keyspace])).find((d) =>
    d.slice(d.lastIndexOf("/") + 1).startsWith(`${table}-`),
  );
  if (!target) throw new CassandraOperationError(`no directory for ${keyspace}.${table}`);
  const generationOf = (name: string) => Number(/^[a-z]{2}-(\d+)-/.exec(name)?.[1] ?? 0);
  let next = Math.max(0, ...(await readdir(target)).map(generationOf)) + 1;
  for (const source of sources) {
    const files = (await readdir(source, { withFileTypes: true })).filter((e) => e.isFile());
    const renumbered = new Map<number, number>();
    for (const file of files) {
      const old = generationOf(file.name);
      if (!renumbered.has(old)) renumbered.set(old, next++);
      const name = file.name.replace(/^([a-z]{2})-\d+-/, `$1-${renumbered.get(old)}-`);
      if (copyData) await copyFile(join(source, file.name), join(target, name));
      else await rename(join(source, file.name), join(target, name));
    }
  }
}
