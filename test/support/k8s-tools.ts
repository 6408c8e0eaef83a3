import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The repository root, found from this file so tests work from any working directory. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Paths of the packaging tools that `scripts/install-k8s-tools.sh` installs into the cache. */
export interface K8sTools {
  dir: string;
  kustomize: string;
  kubernetesValidate: string;
  hadolint: string;
  jolokiaJar: string;
  jolokiaVersion: string;
}

let pending: Promise<K8sTools> | undefined;

/**
 * Runs the idempotent installer once per process (it takes a lock, so parallel test files are safe) and
 * returns where the tools are. The first run builds kustomize and fills a venv: allow a few minutes.
 */
export function ensureK8sTools(): Promise<K8sTools> {
  pending ??= install();
  return pending;
}

async function install(): Promise<K8sTools> {
  const script = path.join(REPO_ROOT, "scripts", "install-k8s-tools.sh");
  let dir: string;
  try {
    const { stdout } = await run("bash", [script], { maxBuffer: 16 << 20, timeout: 15 * 60_000 });
    dir = stdout.trim().split("\n").pop() ?? "";
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`scripts/install-k8s-tools.sh failed: ${e.stderr || e.message}`, { cause: error });
  }
  const source = await readFile(script, "utf8");
  const jolokiaVersion = /^JOLOKIA_VERSION=(\S+)$/m.exec(source)?.[1];
  if (!dir || !jolokiaVersion) throw new Error("install-k8s-tools.sh printed no tool directory");
  return {
    dir,
    kustomize: path.join(dir, "bin", "kustomize"),
    kubernetesValidate: path.join(dir, "bin", "kubernetes-validate"),
    hadolint: path.join(dir, "bin", "hadolint"),
    jolokiaJar: path.join(dir, `jolokia-agent-jvm-${jolokiaVersion}-javaagent.jar`),
    jolokiaVersion,
  };
}
