import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Express } from "express";
import { FileToken } from "../../agent/http/auth.js";
import { JobRunner } from "../../agent/jobs/job-runner.js";
import { MemoryJobStore } from "../../agent/jobs/job-store.js";
import type { Logger } from "../../agent/logger.js";
import { createApp } from "../../agent/server.js";
import { FakeCassandraNode } from "./fakes/fake-cassandra-node.js";
import { silentLogger } from "./silent-logger.js";
import { fakeDeps } from "./app-deps.js";
import type { Drainer } from "../../agent/operations/drain.js";
import type { BackupRouteDeps } from "../../agent/routes/backups.js";

/** An app over fakes with a token file, for route tests: `auth` is the header value that gets in. */
export interface TestApi {
  app: Express;
  node: FakeCassandraNode;
  jobs: JobRunner;
  tokenFile: string;
  auth: string;
}

export function testApi(
  options: {
    node?: FakeCassandraNode;
    logger?: Logger;
    token?: string;
    jobs?: JobRunner;
    drainer?: Drainer;
    backups?: BackupRouteDeps;
  } = {},
): TestApi {
  const token = options.token ?? "test-token-0123456789";
  const tokenFile = path.join(mkdtempSync(path.join(tmpdir(), "cpa-token-")), "token");
  writeFileSync(tokenFile, `${token}\n`);
  const logger = options.logger ?? silentLogger();
  const node = options.node ?? new FakeCassandraNode();
  const jobs = options.jobs ?? JobRunner.restore({ store: new MemoryJobStore(), logger });
  const auth = { mode: "token", token: new FileToken(tokenFile) } as const;
  const extra = {
    ...(options.drainer ? { drainer: options.drainer } : {}),
    ...(options.backups ? { backups: options.backups } : {}),
  };
  const app = createApp(fakeDeps({ logger, node, jobs, auth, ...extra }));
  return { app, node, jobs, tokenFile, auth: `Bearer ${token}` };
}
