import { readFileSync } from "node:fs";
import { ConfigError } from "./errors.js";

/** Reads a secret mounted as a file (a Kubernetes Secret), without its trailing newline. Never logged. */
export function readSecretFile(file: string, option: string): string {
  try {
    return readFileSync(file, "utf8").replace(/\r?\n$/, "");
  } catch (error) {
    throw new ConfigError(
      `${option}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
}
