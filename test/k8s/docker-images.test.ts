import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureK8sTools, REPO_ROOT, type K8sTools } from "../support/k8s-tools.js";

const run = promisify(execFile);
const DOCKERFILES = ["docker/agent.Dockerfile", "docker/cassandra.Dockerfile"];
let tools: K8sTools;

const read = (file: string) => readFile(path.join(REPO_ROOT, file), "utf8");

/** Instructions of a Dockerfile with continuation lines joined and comments dropped. */
async function instructions(file: string): Promise<string[]> {
  const text = (await read(file)).replace(/\\\n\s*/g, " ");
  return text.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
}

beforeAll(async () => {
  tools = await ensureK8sTools();
}, 900_000);

describe("Dockerfiles", () => {
  it.each(DOCKERFILES)("%s passes hadolint", async (file) => {
    const { stdout } = await run(tools.hadolint, [
      "--failure-threshold",
      "style",
      path.join(REPO_ROOT, file),
    ]);
    expect(stdout).toBe("");
  });

  it("hadolint does report problems (so a silent pass means something)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "hadolint-"));
    try {
      await writeFile(path.join(dir, "Dockerfile"), "FROM debian:latest\nRUN apt-get install -y curl\n");
      const result = await run(tools.hadolint, [path.join(dir, "Dockerfile")]).catch(
        (e: { stdout: string }) => e,
      );
      expect(result.stdout).toMatch(/DL3007/); // "latest" tag
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each(DOCKERFILES)("%s ends as a numeric non-root user", async (file) => {
    const users = (await instructions(file)).filter((l) => l.startsWith("USER "));
    expect(users.at(-1)).toMatch(/^USER [1-9]\d*:[1-9]\d*$/);
  });

  it.each(DOCKERFILES)(
    "%s copies only files that exist and that .dockerignore lets through",
    async (file) => {
      const allowed = (await read(".dockerignore"))
        .split("\n")
        .filter((l) => l.startsWith("!"))
        .map((l) => l.slice(1).replace(/\/\*\*$/, ""));
      const copies = (await instructions(file)).filter((l) => /^COPY /.test(l) && !l.includes("--from="));
      expect(copies.length).toBeGreaterThan(0);
      for (const copy of copies) {
        const sources = copy
          .split(/\s+/)
          .slice(1, -1)
          .filter((w) => !w.startsWith("--"));
        for (const source of sources.filter((s) => s !== ".")) {
          expect(existsSync(path.join(REPO_ROOT, source)), source).toBe(true);
          expect(
            allowed.some((a) => source === a || source.startsWith(`${a}/`)),
            source,
          ).toBe(true);
        }
      }
    },
  );

  it("the Cassandra image pins the Jolokia jar that the tests run", async () => {
    const add = (await instructions("docker/cassandra.Dockerfile")).find((l) => l.startsWith("ADD "));
    const sha = /--checksum=sha256:([0-9a-f]{64})/.exec(add ?? "")?.[1];
    const jar = await readFile(tools.jolokiaJar);
    expect(sha).toBe(createHash("sha256").update(jar).digest("hex"));
    expect(add).toContain(`/jolokia-agent-jvm-${tools.jolokiaVersion}-javaagent.jar `);
    expect(add).toMatch(/ \/opt\/jolokia\/jolokia-agent-jvm-javaagent\.jar$/);
  });
});

describe("agent image scripts", () => {
  it("install-into copies a CLI that the Cassandra container can run with the copied node", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "agent-image-"));
    try {
      // The image's layout: /opt/cassandra-pod-agent/{bin,app}, with a stand-in for the built CLI.
      const image = path.join(dir, "image");
      await mkdir(path.join(image, "bin"), { recursive: true });
      await mkdir(path.join(image, "app", "dist", "agent"), { recursive: true });
      for (const script of ["cassandra-pod-agent", "install-into"]) {
        await copyFile(path.join(REPO_ROOT, "docker/agent", script), path.join(image, "bin", script));
        await chmod(path.join(image, "bin", script), 0o755);
      }
      const cli = "console.log(JSON.stringify({ argv: process.argv.slice(2), node: process.execPath }));\n";
      await writeFile(path.join(image, "app", "dist", "agent", "cli.js"), cli);
      const env = { ...process.env, PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` };

      const shared = path.join(dir, "shared");
      await run(path.join(image, "bin", "install-into"), [shared], { env });
      // The Cassandra container has no node on its PATH: the hook must use the copied one.
      const { stdout } = await run(path.join(shared, "bin", "cassandra-pod-agent"), ["prestop"], {
        env: { PATH: "/usr/bin:/bin" },
      });
      expect(JSON.parse(stdout)).toEqual({ argv: ["prestop"], node: path.join(shared, "bin", "node") });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
