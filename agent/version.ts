import { readFileSync } from "node:fs";

/**
 * The agent's version from package.json, which sits two folders up from `dist/agent/` and one up from
 * `agent/` when run from source; "0.0.0" if neither is there (never fatal).
 */
export function agentVersion(): string {
  for (const relative of ["../../package.json", "../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "cassandra-pod-agent" && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return "0.0.0";
}
