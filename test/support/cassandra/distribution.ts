import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const POM = fileURLToPath(new URL("./pom.xml", import.meta.url));

/** Where a fetched Cassandra runtime lives: its jars and the Jolokia javaagent. */
export interface CassandraDistribution {
  version: string;
  libDir: string;
  jolokiaJar: string;
}

/** The cache outside git shared by every checkout on this machine (override with CPA_CACHE_DIR). */
export function cacheDir(): string {
  return (
    process.env.CPA_CACHE_DIR ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), ".cache"), "cassandra-pod-agent")
  );
}

async function pomProperty(name: string): Promise<string> {
  const pom = await readFile(POM, "utf8");
  const match = new RegExp(`<${name}>([^<]+)</${name}>`).exec(pom);
  if (!match?.[1]) throw new Error(`${POM} has no <${name}>`);
  return match[1];
}

/**
 * Fetches cassandra-all and its runtime dependencies plus the Jolokia JVM agent from Maven Central, once.
 * A `complete` marker written last makes the cache idempotent: a second call touches no network. The copy
 * goes to a temporary folder renamed into place, so concurrent or interrupted fetches never leave half a
 * classpath behind.
 */
export async function ensureDistribution(): Promise<CassandraDistribution> {
  const version = await pomProperty("cassandra.version");
  const jolokiaVersion = await pomProperty("jolokia.version");
  const home = path.join(cacheDir(), `cassandra-${version}-jolokia-${jolokiaVersion}`);
  const dist: CassandraDistribution = {
    version,
    libDir: path.join(home, "lib"),
    jolokiaJar: path.join(home, "agents", `jolokia-agent-jvm-${jolokiaVersion}-javaagent.jar`),
  };
  if (existsSync(path.join(home, "complete"))) return dist;

  const staging = `${home}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const mvn = ["-q", "-B", "-f", POM];
  try {
    await run(
      "mvn",
      [
        ...mvn,
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        `-DoutputDirectory=${path.join(staging, "lib")}`,
      ],
      { maxBuffer: 16 << 20 },
    );
    await run(
      "mvn",
      [
        ...mvn,
        "dependency:copy",
        `-Dartifact=org.jolokia:jolokia-agent-jvm:${jolokiaVersion}:jar:javaagent`,
        `-DoutputDirectory=${path.join(staging, "agents")}`,
      ],
      { maxBuffer: 16 << 20 },
    );
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `fetching Cassandra ${version} from Maven Central failed: ${e.stderr || e.stdout || e.message}`,
      { cause: error },
    );
  }
  const jars = await readdir(path.join(staging, "lib"));
  if (!jars.some((jar) => jar.startsWith(`cassandra-all-${version}`)))
    throw new Error(`cassandra-all ${version} missing after fetch`);
  await writeFile(path.join(staging, "complete"), new Date().toISOString());
  try {
    await rename(staging, home);
  } catch (error) {
    // Another process finished the same fetch first; its copy is as good as ours.
    if (!existsSync(path.join(home, "complete"))) throw error;
    await rm(staging, { recursive: true, force: true });
  }
  return dist;
}

/** Runs a file directly: `tsx test/support/cassandra/distribution.ts` pre-fetches the runtime (used by CI). */
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  ensureDistribution().then(
    (dist) => console.log(`Cassandra ${dist.version} ready in ${path.dirname(dist.libDir)}`),
    (error: unknown) => {
      console.error((error as Error).message);
      process.exit(1);
    },
  );
}
