import { ValidationError } from "../agent/errors.js";
import type { NodeIdentity } from "./layout.js";
import type { Manifest, ManifestFile } from "./manifest.js";
import { BackupIncompleteError, SchemaConflictError } from "./restore-errors.js";
import {
  splitStatements,
  tableDefinitions,
  type SchemaStatement,
  type TableDefinition,
} from "./schema-cql.js";

/** What to restore: keyspaces, and/or tables as `keyspace.table`; neither means every user keyspace. */
export interface RestoreSelection {
  keyspaces?: readonly string[];
  tables?: readonly string[];
}

export interface PlannedTable {
  keyspace: string;
  table: string;
  tableId: string;
  /** The table's directory name in the backup, `<table>-<id without dashes>`; staging uses it too. */
  tableDir: string;
  files: ManifestFile[];
  bytes: number;
  /** The table does not exist on the node and is created from the backup's schema first. */
  create: boolean;
}

/** Everything a restore will do, computed before anything is touched; a dry run answers with it. */
export interface RestorePlan {
  backup: string;
  source: NodeIdentity;
  tables: PlannedTable[];
  files: number;
  bytes: number;
  /** CREATE / ALTER statements from the backup's schema, in the order they will run. */
  schemaStatements: string[];
}

/** Keyspaces a live restore never writes into: the node's own identity and schema live there. */
const NEVER_LIVE = new Set([
  "system",
  "system_schema",
  "system_virtual_schema",
  "system_views",
  "system_traces",
]);

/** Files a snapshot holds besides SSTable components; 2i files (`.<index>/…`) are rebuilt by the import. */
function isSSTableComponent(file: ManifestFile): boolean {
  return !file.path.includes("/") && file.path !== "manifest.json" && file.path !== "schema.cql";
}

/**
 * Plans a restore of `manifest` into a node whose schema is `currentCql` (its `DESCRIBE SCHEMA WITH
 * INTERNALS`). Pure: it reads nothing and throws `ValidationError` for a selection the backup does not
 * hold, `BackupIncompleteError` when the backup's schema lacks a table it has files for, and
 * `SchemaConflictError` when a table exists with another ID or conflicting columns.
 */
export function planRestore(
  manifest: Manifest,
  source: NodeIdentity,
  currentCql: string,
  selection: RestoreSelection,
): RestorePlan {
  const backupStatements = splitStatements(manifest.schema.cql);
  const backupTables = tableDefinitions(backupStatements);
  const currentStatements = splitStatements(currentCql);
  const currentTables = tableDefinitions(currentStatements);
  const selected = selectTables(manifest, backupTables, selection);
  const tables = selected.map((def) => planTable(manifest, def, currentTables.get(key(def))));
  const statements = schemaStatements(
    tables.filter((t) => t.create),
    backupStatements,
    currentStatements,
  );
  return {
    backup: manifest.name,
    source,
    tables,
    files: tables.reduce((n, t) => n + t.files.length, 0),
    bytes: tables.reduce((n, t) => n + t.bytes, 0),
    schemaStatements: statements,
  };
}

const key = (t: { keyspace: string; table: string }) => `${t.keyspace}.${t.table}`;

function selectTables(
  manifest: Manifest,
  backupTables: Map<string, TableDefinition>,
  selection: RestoreSelection,
): TableDefinition[] {
  const keyspaces = selection.keyspaces ?? [];
  const tables = selection.tables ?? [];
  const named = [...keyspaces, ...tables.map((t) => t.split(".")[0] ?? "")];
  const forbidden = named.filter((k) => NEVER_LIVE.has(k));
  if (forbidden.length > 0) {
    throw new ValidationError(`a live restore never writes into ${[...new Set(forbidden)].join(", ")}`);
  }
  const inBackup = new Set(manifest.keyspaces);
  const missing = [
    ...keyspaces.filter((k) => !inBackup.has(k)),
    ...tables.filter((t) => !backupTables.has(t) || !inBackup.has(t.split(".")[0] ?? "")),
  ];
  if (missing.length > 0) {
    throw new ValidationError(`not in backup ${manifest.name}: ${missing.join(", ")}`);
  }
  const all = [...backupTables.values()].filter((t) => inBackup.has(t.keyspace));
  if (keyspaces.length === 0 && tables.length === 0) {
    return all.filter((t) => !t.keyspace.startsWith("system"));
  }
  return all.filter((t) => keyspaces.includes(t.keyspace) || tables.includes(key(t)));
}

function planTable(
  manifest: Manifest,
  def: TableDefinition,
  current: TableDefinition | undefined,
): PlannedTable {
  if (def.id === undefined) {
    throw new BackupIncompleteError(`the backup's schema has no table ID for ${key(def)}`);
  }
  const tableDir = `${def.table}-${def.id.replace(/-/g, "")}`;
  const files = manifest.files.filter(
    (f) => f.keyspace === def.keyspace && f.tableDir === tableDir && isSSTableComponent(f),
  );
  if (current) checkCompatible(def, current);
  return {
    keyspace: def.keyspace,
    table: def.table,
    tableId: def.id,
    tableDir,
    files,
    bytes: files.reduce((n, f) => n + f.size, 0),
    create: current === undefined,
  };
}

function checkCompatible(backup: TableDefinition, current: TableDefinition): void {
  if (current.id !== backup.id) {
    throw new SchemaConflictError(
      `${key(backup)} exists with table ID ${current.id ?? "unknown"}, the backup's is ${backup.id ?? "unknown"}: ` +
        "it was dropped and created again; drop it to let the restore recreate it, or restore elsewhere",
    );
  }
  const conflicts = [...backup.columns].filter(([name, type]) => current.columns.get(name) !== type);
  if (conflicts.length > 0) {
    const detail = conflicts.map(([n, t]) => `${n} ${t} (now ${current.columns.get(n) ?? "absent"})`);
    throw new SchemaConflictError(`${key(backup)}: columns differ from the backup's: ${detail.join(", ")}`);
  }
}

/** Keyspaces, types, tables, then their dropped-column ALTERs and indexes: only what the node lacks. */
function schemaStatements(
  created: readonly PlannedTable[],
  backup: readonly SchemaStatement[],
  current: readonly SchemaStatement[],
): string[] {
  const has = (kind: SchemaStatement["kind"], ks: string | undefined, name?: string) =>
    current.some((s) => s.kind === kind && s.keyspace === ks && (name === undefined || s.name === name));
  const keyspaces = new Set(created.map((t) => t.keyspace));
  const tables = new Set(created.map(key));
  const onTable = (s: SchemaStatement) => s.name !== undefined && tables.has(`${s.keyspace}.${s.name}`);
  const picked = [
    ...backup.filter(
      (s) => s.kind === "keyspace" && keyspaces.has(s.keyspace ?? "") && !has("keyspace", s.keyspace),
    ),
    ...backup.filter(
      (s) => s.kind === "type" && keyspaces.has(s.keyspace ?? "") && !has("type", s.keyspace, s.name),
    ),
    ...backup.filter((s) => s.kind === "table" && onTable(s)),
    ...backup.filter((s) => s.kind === "alter-table" && onTable(s)),
    ...backup.filter((s) => s.kind === "index" && onTable(s)),
  ];
  return picked.map((s) => s.cql);
}

/** A plan as the API and CLI show it: per table, without the object keys (`files` lists them per table). */
export function summarizePlan(plan: RestorePlan, withFiles = false) {
  return {
    backup: plan.backup,
    sourceHostId: plan.source.hostId,
    files: plan.files,
    bytes: plan.bytes,
    tables: plan.tables.map((t) => ({
      keyspace: t.keyspace,
      table: t.table,
      tableId: t.tableId,
      create: t.create,
      files: t.files.length,
      bytes: t.bytes,
      ...(withFiles ? { paths: t.files.map((f) => f.path) } : {}),
    })),
    schemaStatements: plan.schemaStatements,
  };
}
