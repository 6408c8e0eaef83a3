import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { cacheDir } from "./cassandra/distribution.js";

const run = promisify(execFile);

/**
 * Installs and launches Adobe S3Mock for tests (Maven Central `com.adobe.testing:s3mock`, the Spring
 * Boot `exec` jar; Apache-2.0). Fetched once with Maven into `~/.cache/cassandra-pod-agent/s3mock/`, so
 * later runs need no network.
 */
const S3MOCK_VERSION = "4.12.4";
const CACHE = join(cacheDir(), "s3mock");
const JAR = join(CACHE, `s3mock-${S3MOCK_VERSION}-exec.jar`);
/** Start-up flags: C1 only and the serial collector start the JVM fastest on 2 cores. */
const JVM_FLAGS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m"];
/**
 * A class-data-sharing archive, dumped when the first server exits cleanly and used from then on: it
 * halves start-up (measured 15 s → 7 s on a loaded 2-core machine). A JVM that cannot use it ignores it.
 */
const CDS = join(CACHE, `s3mock-${S3MOCK_VERSION}.jsa`);

/** Downloads the S3Mock jar unless cached. Idempotent; concurrent callers wait for one download. */
export async function ensureS3Mock(): Promise<string> {
  if (existsSync(JAR)) return JAR;
  await mkdir(CACHE, { recursive: true });
  const lock = `${JAR}.lock`;
  for (let waited = 0; ; waited += 500) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (existsSync(JAR)) return JAR;
      if (waited > 600_000) throw new Error(`stale lock ${lock}`, { cause: error });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (!existsSync(JAR)) await download();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
  return JAR;
}

/** Copies the jar into a scratch folder, then renames it into place: readers never see half a jar. */
async function download(): Promise<void> {
  const scratch = await mkdtemp(join(CACHE, "download-"));
  try {
    const artifact = `com.adobe.testing:s3mock:${S3MOCK_VERSION}:jar:exec`;
    const plugin = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy";
    await run("mvn", ["-q", "-B", plugin, `-Dartifact=${artifact}`, `-DoutputDirectory=${scratch}`], {
      cwd: scratch,
      timeout: 600_000,
    });
    await rename(join(scratch, `s3mock-${S3MOCK_VERSION}-exec.jar`), JAR);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export interface Launch {
  command: string;
  args: string[];
  /** Where this JVM dumps a CDS archive on exit, if none exists yet; pass to {@link keepCdsArchive}. */
  dumping?: string;
}

/**
 * The command line for one S3Mock process. `setpriv --pdeathsig` (util-linux) makes the kernel kill the
 * server if the test process dies before tearing it down, so a crashed run leaves nothing behind.
 */
export function s3MockLaunch(jar: string, appArgs: string[]): Launch {
  const dumping = existsSync(CDS) ? undefined : `${CDS}.${process.pid}.${Date.now()}.tmp`;
  const cds = dumping ? `-XX:ArchiveClassesAtExit=${dumping}` : `-XX:SharedArchiveFile=${CDS}`;
  const java = [...JVM_FLAGS, cds, "-jar", jar, ...appArgs];
  return existsSync("/usr/bin/setpriv")
    ? {
        command: "/usr/bin/setpriv",
        args: ["--pdeathsig", "KILL", "java", ...java],
        ...(dumping ? { dumping } : {}),
      }
    : { command: "java", args: java, ...(dumping ? { dumping } : {}) };
}

/** After the dumping JVM exited: moves a complete archive into place, or removes a partial one. */
export async function keepCdsArchive(dumping: string | undefined, exitedCleanly: boolean): Promise<void> {
  if (dumping === undefined || !existsSync(dumping)) return;
  if (exitedCleanly && !existsSync(CDS)) await rename(dumping, CDS).catch(() => undefined);
  await rm(dumping, { force: true });
}
