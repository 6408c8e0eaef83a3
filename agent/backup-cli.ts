import { Command } from "commander";
import { createBackupComponents, type BackupComponents } from "../backup/backup-composition.js";
import { BACKUP_NAME } from "../backup/layout.js";
import { createObjectStore } from "../backup/object-store-factory.js";
import { clusterHostIdMap } from "../backup/cluster-map.js";
import { resolveHostId } from "../backup/host-id-map.js";
import { restoreWholeNode } from "../backup/restore-node.js";
import { summarizePlan } from "../backup/restore-plan.js";
import { verifyBackup } from "../backup/verify.js";
import { createCassandraNode } from "./cassandra/node-factory.js";
import { loadConfig } from "./config.js";
import { ValidationError } from "./errors.js";
import { createLogger } from "./logger.js";

type Out = (value: unknown) => void;

/** Builds the backup components from `AGENT_*` configuration, runs `action`, and releases everything. */
async function withBackups<T>(action: (backups: BackupComponents) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // Logs go to stderr so that stdout holds only the command's JSON answer.
  const logger = createLogger(config.logLevel === "info" ? "warn" : config.logLevel, process.stderr);
  const node = createCassandraNode(config);
  const backups = createBackupComponents(config, node, logger);
  try {
    return await action(backups);
  } finally {
    backups.close();
    await node.close().catch(() => undefined);
  }
}

function keyspaceList(value: string): string[] {
  return value
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "");
}

/**
 * `cassandra-pod-agent backup create|list|verify|purge`: the same operations as the API, composed from the
 * configuration, for use without the server (`kubectl exec`, a CronJob, an init container). Each prints one
 * JSON document and exits non-zero when the operation failed; `verify` also when it found damage.
 */
export function backupCommand(run: (task: Promise<unknown>) => void, out: Out): Command {
  const backup = new Command("backup").description("back up the local node to the configured object store");
  backup
    .command("create")
    .description("snapshot and upload now; prints the backup's totals")
    .option("--name <name>", "backup name (default: backup-<UTC time>)")
    .option("--keyspaces <list>", "comma-separated keyspaces (default: all but system_traces)", keyspaceList)
    .action((o: { name?: string; keyspaces?: string[] }) => {
      const name =
        o.name ??
        `backup-${new Date()
          .toISOString()
          .replace(/[-:]/g, "")
          .replace(/\.\d+Z$/, "Z")}`;
      if (!BACKUP_NAME.test(name)) throw new ValidationError(`--name must match ${BACKUP_NAME.source}`);
      const request = { name, ...(o.keyspaces?.length ? { keyspaces: o.keyspaces } : {}) };
      run(withBackups(async (b) => out(await b.service.run(request, "cli"))));
    });
  backup
    .command("list")
    .description("list this node's backups (or every node's with --cluster)")
    .option("--cluster", "every node under the cluster's prefix, including nodes that left the ring")
    .action((o: { cluster?: boolean }) => {
      run(withBackups(async (b) => out(await b.queries.list(o.cluster ? "cluster" : "node"))));
    });
  backup
    .command("verify <name>")
    .description("check every object of a backup: size and checksum, or with --deep the bytes themselves")
    .option("--deep", "download and re-hash every object")
    .option("--host-id <id>", "another node's backup (same cluster and DC)")
    .action((name: string, o: { deep?: boolean; hostId?: string }) => {
      run(
        withBackups(async (b) => {
          const { self } = await b.queries.identity();
          const report = await verifyBackup(b.store, { ...self, hostId: o.hostId ?? self.hostId }, name, {
            deep: o.deep ?? false,
          });
          out(report);
          if (!report.ok) process.exitCode = 2;
        }),
      );
    });
  backup
    .command("purge")
    .description(
      "apply AGENT_BACKUP_KEEP_LAST / AGENT_BACKUP_KEEP_DAYS to this node and nodes that left the ring",
    )
    .action(() => run(withBackups(async (b) => out(await b.purge()))));
  backup
    .command("host-id-map")
    .description("for a restore into a new cluster: which backed-up node each new pod becomes (JSON)")
    .requiredOption("--backup <name>", "the cluster backup's name")
    .requiredOption("--cluster-name <name>", "the backed-up cluster's name")
    .requiredOption(
      "--pods <names>",
      "the new pods, in DC, rack and token order (e.g. cassandra-0,cassandra-1)",
    )
    .action((o: { backup: string; clusterName: string; pods: string }) => {
      const { store, close } = createObjectStore(loadConfig());
      run(clusterHostIdMap(store, o.clusterName, o.backup, keyspaceList(o.pods)).then(out).finally(close));
    });
  return backup;
}

/**
 * `cassandra-pod-agent restore --backup NAME`: restores tables of a backup into the running local node, as
 * `POST /api/v1/restores` does, and prints the plan (with `--dry-run`, without doing anything).
 */
export function restoreCommand(run: (task: Promise<unknown>) => void, out: Out): Command {
  return new Command("restore")
    .description("restore tables of a backup into the running local node (importNewSSTables)")
    .requiredOption("--backup <name>", "the backup's name")
    .option(
      "--keyspaces <list>",
      "comma-separated keyspaces (default: every non-system keyspace)",
      keyspaceList,
    )
    .option("--tables <list>", "comma-separated keyspace.table names", keyspaceList)
    .option("--from-host-id <id>", "another node's backup (same cluster and DC)")
    .option("--dry-run", "print the plan: files, bytes, tables and schema statements; change nothing")
    .action(
      (o: {
        backup: string;
        keyspaces?: string[];
        tables?: string[];
        fromHostId?: string;
        dryRun?: boolean;
      }) => {
        if (!BACKUP_NAME.test(o.backup))
          throw new ValidationError(`--backup must match ${BACKUP_NAME.source}`);
        const request = {
          backup: o.backup,
          dryRun: o.dryRun ?? false,
          ...(o.keyspaces?.length ? { keyspaces: o.keyspaces } : {}),
          ...(o.tables?.length ? { tables: o.tables } : {}),
          ...(o.fromHostId ? { fromHostId: o.fromHostId } : {}),
        };
        run(
          withBackups(async (b) => {
            const result = await b.restore(request, {
              onProgress: (p) => process.stderr.write(`${JSON.stringify(p)}\n`),
            });
            out({ dryRun: result.dryRun, plan: summarizePlan(result.plan, result.dryRun) });
          }),
        );
      },
    );
}

/**
 * `cassandra-pod-agent restore-node --backup NAME --host-id ID --data-dir DIR…`: for an init container,
 * before Cassandra starts. Needs only the object store's configuration, not Cassandra.
 */
export function restoreNodeCommand(run: (task: Promise<unknown>) => void, out: Out): Command {
  return new Command("restore-node")
    .description(
      "fill a stopped node's empty data directories from its backup, so it starts as the same node",
    )
    .requiredOption("--backup <name>", "the backup's name")
    .option("--host-id <id>", "the host ID of the backed-up node this pod is")
    .option("--host-id-map <file>", "JSON map of pod names to host IDs (a ConfigMap), used with --pod-name")
    .option("--pod-name <name>", "this pod's name, looked up in --host-id-map", process.env.POD_NAME)
    .requiredOption("--data-dir <dir...>", "the node's data_file_directories, in order")
    .option("--cluster-name <name>", "the backup's cluster (found in the store when omitted)")
    .option("--datacenter <name>", "the backup's DC (found in the store when omitted)")
    .action(
      (o: {
        backup: string;
        hostId?: string;
        hostIdMap?: string;
        podName?: string;
        dataDir: string[];
        clusterName?: string;
        datacenter?: string;
      }) => {
        if (!BACKUP_NAME.test(o.backup))
          throw new ValidationError(`--backup must match ${BACKUP_NAME.source}`);
        const hostId = resolveHostId(o);
        const config = loadConfig();
        const logger = createLogger(config.logLevel === "info" ? "warn" : config.logLevel, process.stderr);
        const { store, close } = createObjectStore(config);
        run(
          restoreWholeNode(
            { store, logger },
            {
              backup: o.backup,
              hostId,
              dataDirs: o.dataDir,
              ...(o.clusterName ? { clusterName: o.clusterName } : {}),
              ...(o.datacenter ? { datacenter: o.datacenter } : {}),
            },
            {
              concurrency: config.backupConcurrency,
              retry: { attempts: config.backupRetryAttempts, baseDelayMs: 2_000 },
            },
          )
            .then(out)
            .finally(close),
        );
      },
    );
}
