import { randomBytes, randomUUID } from "node:crypto";
import type { CqlSession } from "../../agent/cassandra/cql-session.js";

/** The drill's tables: a key-value one, a wide one with clustering rows, and one with collections. */
export const DRILL_TABLES = {
  kv: "(id int PRIMARY KEY, v text)",
  wide: "(pk int, ck int, v blob, PRIMARY KEY (pk, ck))",
  typed: "(id uuid PRIMARY KEY, m map<text, int>, s set<text>, at timestamp)",
} as const;

/** Creates `keyspace` with the drill's tables and writes `rows` rows into each. */
export async function writeDrillData(
  cql: Pick<CqlSession, "execute">,
  keyspace: string,
  rows: number,
  replication = "{'class': 'SimpleStrategy', 'replication_factor': 1}",
): Promise<void> {
  await cql.execute(`CREATE KEYSPACE ${keyspace} WITH replication = ${replication}`);
  for (const [table, columns] of Object.entries(DRILL_TABLES)) {
    await cql.execute(`CREATE TABLE ${keyspace}.${table} ${columns}`);
  }
  for (let i = 0; i < rows; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, rows - i) }, (_, j) => {
        const n = i + j;
        return Promise.all([
          cql.execute(`INSERT INTO ${keyspace}.kv (id, v) VALUES (?, ?)`, [n, `value-${n}-${randomUUID()}`]),
          cql.execute(`INSERT INTO ${keyspace}.wide (pk, ck, v) VALUES (?, ?, ?)`, [
            n % 17,
            n,
            randomBytes(64 + (n % 200)),
          ]),
          cql.execute(`INSERT INTO ${keyspace}.typed (id, m, s, at) VALUES (?, ?, ?, ?)`, [
            randomUUID(),
            { a: n, b: -n },
            [`x${n}`, `y${n % 3}`],
            new Date(1_700_000_000_000 + n * 1000),
          ]),
        ]);
      }),
    );
  }
}

/** Every row of every drill table, as sorted canonical JSON lines: two reads compare with `toEqual`. */
export async function readDrillData(
  cql: Pick<CqlSession, "execute">,
  keyspace: string,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of Object.keys(DRILL_TABLES)) {
    const rows = await cql.execute(`SELECT * FROM ${keyspace}.${table}`);
    out[table] = rows
      .map((row) => JSON.stringify(Object.fromEntries(row.keys().map((k) => [k, canonical(row.get(k))]))))
      .sort();
  }
  return out;
}

function canonical(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString("hex");
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) return [...value].map(([k, v]) => [String(k), canonical(v)]).sort();
  if (value instanceof Set || Array.isArray(value))
    return [...(value as Iterable<unknown>)].map(String).sort();
  if (value !== null && typeof value === "object") {
    // Driver types (Uuid, Long, LocalDate …) print themselves; plain objects are CQL maps.
    if (value.toString !== Object.prototype.toString) return String(value);
    return Object.entries(value)
      .map(([k, v]) => [k, canonical(v)])
      .sort();
  }
  return value;
}
