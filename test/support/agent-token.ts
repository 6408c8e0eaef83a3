import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** A state directory and API token file for an agent under test; `rotate` replaces the token atomically. */
export function agentStateDir(token = "integration-token-1") {
  const dir = mkdtempSync(path.join(tmpdir(), "cpa-agent-"));
  const tokenFile = path.join(dir, "api-token");
  writeFileSync(tokenFile, `${token}\n`);
  return {
    dir,
    token,
    tokenFile,
    env: {
      AGENT_STATE_DIR: dir,
      AGENT_API_TOKEN_FILE: tokenFile,
      AGENT_BACKUP_DIR: path.join(dir, "backups"),
    },
    rotate(next: string) {
      writeFileSync(`${tokenFile}.new`, `${next}\n`);
      renameSync(`${tokenFile}.new`, tokenFile);
    },
  };
}
