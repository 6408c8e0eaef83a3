#!/usr/bin/env node
import { Command } from "commander";
import { loadConfig } from "./config.js";
import { isAgentError } from "./errors.js";
import { createLogger } from "./logger.js";
import { prestop } from "./prestop.js";
import { registerClusterCommands } from "./client/cluster-cli.js";
import { backupCommand, restoreCommand, restoreNodeCommand } from "./backup-cli.js";

/** Prints a one-line reason and exits non-zero: what an init container or preStop hook shows. */
function fail(error: unknown): never {
  const message = isAgentError(error) || error instanceof Error ? error.message : String(error);
  process.stderr.write(`cassandra-pod-agent: ${message}\n`);
  process.exit(isAgentError(error) && error.code === "invalid-configuration" ? 78 : 1);
}

async function serve(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // Loaded here, not at the top: the server (express, metrics, probes) is what `serve` runs, and the
  // one-shot commands (a preStop hook, an init container's restore, a backup) start faster without it.
  const { startAgent } = await import("./main.js");
  const agent = await startAgent(config, logger);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    logger.info({ signal }, "signal received");
    if (signals > 1) process.exit(1);
    // Bound the whole shutdown (a stuck close must not keep the pod in Terminating), leaving room for a
    // drain in progress: the kubelet sends SIGTERM to every container, and the drain must not be cut short.
    const drainBudget = agent.drainer.running ? config.drainTimeoutMs : 0;
    setTimeout(() => process.exit(1), drainBudget + config.shutdownTimeoutMs + 2_000).unref();
    agent.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

const program = new Command()
  .name("cassandra-pod-agent")
  .description(
    "Sidecar that makes a Cassandra pod operable: probes, drain, backups, an operator API, metrics.",
  )
  .showHelpAfterError();

program
  .command("serve", { isDefault: true })
  .description("run the agent's HTTP server (configured by AGENT_* environment variables)")
  .action(() => serve().catch(fail));

program
  .command("prestop")
  .description("for a pod's preStop hook: ask the local agent to drain Cassandra, wait, exit 0 when drained")
  .option("--url <url>", "the agent's base URL (default: http://127.0.0.1:$AGENT_PORT)")
  .action((options: { url?: string }) =>
    prestop(options).then((line) => {
      process.stdout.write(`${line}\n`);
    }, fail),
  );

registerClusterCommands(program, (work) => void work().catch(fail));
const printJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
program.addCommand(backupCommand((task) => void task.catch(fail), printJson));
program.addCommand(restoreCommand((task) => void task.catch(fail), printJson));
program.addCommand(restoreNodeCommand((task) => void task.catch(fail), printJson));

program.parseAsync(process.argv).catch(fail);
