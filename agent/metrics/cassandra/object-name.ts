/**
 * Parsing of JMX ObjectName strings as Jolokia returns them (`domain:key=value,key=value`) and of the
 * numbers inside attribute values. Values may be quoted (ObjectName.quote) and longs arrive as strings
 * (`serializeLong=string`), so both are normalised here and nowhere else.
 */

/** The key properties of an ObjectName; quoted values are unquoted. */
export function keyProperties(objectName: string): Record<string, string> {
  const colon = objectName.indexOf(":");
  const props: Record<string, string> = {};
  if (colon < 0) return props;
  for (const pair of splitPairs(objectName.slice(colon + 1))) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    props[pair.slice(0, eq)] = unquote(pair.slice(eq + 1));
  }
  return props;
}

function splitPairs(list: string): string[] {
  const pairs: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === "\\" && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === "," && !quoted) {
      pairs.push(list.slice(start, i));
      start = i + 1;
    }
  }
  pairs.push(list.slice(start));
  return pairs;
}

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value.slice(1, -1).replace(/\\(.)/g, "$1");
}

/** A finite number from a JSON value (number or numeric string), or undefined. */
export function toNumber(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** True for a Jolokia MBean argument that is a pattern rather than one exact name. */
export function isPattern(mbean: string): boolean {
  return /[*?]/.test(mbean);
}
