/**
 * Just enough of the CQL that `DESCRIBE SCHEMA WITH INTERNALS` prints to pick statements out of it: which
 * keyspace, type, table or index each statement creates, a table's ID and its columns. Not a CQL parser:
 * statements are split at a `;` that ends a line, which the server's own output always does (a `;` at the
 * end of a line inside a table comment would fool it; such a statement then fails to parse below and the
 * restore refuses the table rather than guessing).
 */
export interface SchemaStatement {
  kind: "keyspace" | "type" | "table" | "alter-table" | "index" | "other";
  keyspace: string | undefined;
  /** The table (or type) the statement creates or changes; for an index, the table it is on. */
  name: string | undefined;
  cql: string;
}

export interface TableDefinition {
  keyspace: string;
  table: string;
  id: string | undefined;
  /** Column name → CQL type, as printed (`text`, `frozen<list<int>>` …). */
  columns: Map<string, string>;
  cql: string;
}

const NAME = String.raw`("(?:[^"]|"")+"|\w+)`;
const PATTERNS: [SchemaStatement["kind"], RegExp][] = [
  ["keyspace", new RegExp(String.raw`^CREATE KEYSPACE (?:IF NOT EXISTS )?${NAME}`, "i")],
  ["type", new RegExp(String.raw`^CREATE TYPE (?:IF NOT EXISTS )?${NAME}\.${NAME}`, "i")],
  ["table", new RegExp(String.raw`^CREATE TABLE (?:IF NOT EXISTS )?${NAME}\.${NAME}`, "i")],
  ["alter-table", new RegExp(String.raw`^ALTER TABLE ${NAME}\.${NAME}`, "i")],
  [
    "index",
    new RegExp(String.raw`^CREATE (?:CUSTOM )?INDEX (?:IF NOT EXISTS )?${NAME}? ?ON ${NAME}\.${NAME}`, "i"),
  ],
];

/** An identifier as Cassandra stores it: quotes removed (and `""` unescaped), unquoted ones lower-cased. */
export function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
}

export function splitStatements(cql: string): SchemaStatement[] {
  return cql
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((text) => {
      const statement = `${text};`;
      for (const [kind, pattern] of PATTERNS) {
        const m = pattern.exec(text);
        if (!m) continue;
        const parts = m.slice(1).filter((p): p is string => p !== undefined);
        const [keyspace, name] = kind === "index" ? parts.slice(-2) : parts;
        return {
          kind,
          keyspace: keyspace === undefined ? undefined : unquote(keyspace),
          name: name === undefined ? undefined : unquote(name),
          cql: statement,
        };
      }
      return { kind: "other", keyspace: undefined, name: undefined, cql: statement };
    });
}

/** Every table of a schema script with its ID and columns, keyed `keyspace.table`. */
export function tableDefinitions(statements: readonly SchemaStatement[]): Map<string, TableDefinition> {
  const tables = new Map<string, TableDefinition>();
  for (const s of statements) {
    if (s.kind !== "table" || s.keyspace === undefined || s.name === undefined) continue;
    const id = /\)\s*WITH ID = ([0-9a-f-]{36})/i.exec(s.cql)?.[1];
    tables.set(`${s.keyspace}.${s.name}`, {
      keyspace: s.keyspace,
      table: s.name,
      id,
      columns: columnsOf(s.cql),
      cql: s.cql,
    });
  }
  return tables;
}

/** `name type[ static][ PRIMARY KEY],` lines between the opening parenthesis and `PRIMARY KEY (…)`. */
function columnsOf(cql: string): Map<string, string> {
  const columns = new Map<string, string>();
  const body = cql.slice(cql.indexOf("(") + 1);
  for (const line of body.split("\n")) {
    const trimmed = line.trim();
    if (/^PRIMARY KEY\s*\(/i.test(trimmed) || trimmed.startsWith(")")) break;
    const m = new RegExp(String.raw`^${NAME}\s+(.+?)(?:\s+static)?(?:\s+PRIMARY KEY)?,?$`, "i").exec(trimmed);
    if (m?.[1] !== undefined && m[2] !== undefined) columns.set(unquote(m[1]), m[2]);
  }
  return columns;
}
