/** One line of `nodetool status`, with the data center header it appeared under. */
export interface NodetoolStatusLine {
  datacenter: string;
  status: "U" | "D" | "?";
  state: "N" | "L" | "J" | "M" | "?";
  address: string;
  load: string;
  tokens: number;
  owns: string;
  hostId: string;
  rack: string;
}

const LINE = /^([UD?])([NLJM?])\s+(\S+)\s+(\?|[\d.,]+ \S+)\s+(\d+)\s+(\S+)\s+([0-9a-f-]{36})\s+(\S+)\s*$/;

/** Parses `nodetool status` output (Cassandra 5.0 layout); throws on a node line it cannot read. */
export function parseNodetoolStatus(output: string): NodetoolStatusLine[] {
  const lines: NodetoolStatusLine[] = [];
  let datacenter = "";
  for (const raw of output.split("\n")) {
    const dc = /^Datacenter: (\S+)/.exec(raw);
    if (dc?.[1]) datacenter = dc[1];
    if (!/^[UD?][NLJM?]\s/.test(raw)) continue;
    const m = LINE.exec(raw);
    if (!m) throw new Error(`unreadable nodetool status line: ${raw}`);
    lines.push({
      datacenter,
      status: m[1] as NodetoolStatusLine["status"],
      state: m[2] as NodetoolStatusLine["state"],
      address: m[3] ?? "",
      load: m[4] ?? "",
      tokens: Number(m[5]),
      owns: m[6] ?? "",
      hostId: m[7] ?? "",
      rack: m[8] ?? "",
    });
  }
  return lines;
}
