import { mkdtempSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { FileToken } from "../../../agent/http/auth.js";
import { createLogger } from "../../../agent/logger.js";
import { createApp } from "../../../agent/server.js";
import { testApi } from "../../support/api-app.js";
import { FakeCassandraNode } from "../../support/fakes/fake-cassandra-node.js";
import { silentLogger } from "../../support/silent-logger.js";
import { fakeDeps } from "../../support/app-deps.js";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger("info", stream) };
}

/** A Secret volume as the kubelet lays it out: token → ..data/token, ..data → a timestamped folder. */
function secretVolume(token: string) {
  const root = mkdtempSync(path.join(tmpdir(), "cpa-secret-"));
  let generation = 0;
  const write = (value: string) => {
    generation += 1;
    const dir = path.join(root, `..2026_01_0${generation}`);
    mkdirSync(dir);
    writeFileSync(path.join(dir, "token"), value);
    symlinkSync(path.basename(dir), path.join(root, "..data_tmp"));
    renameSync(path.join(root, "..data_tmp"), path.join(root, "..data"));
  };
  write(token);
  symlinkSync("..data/token", path.join(root, "token"));
  return { file: path.join(root, "token"), rotate: write };
}

describe("API authentication", () => {
  it("refuses a request without a token with 401 problem+json and a challenge", async () => {
    const { app } = testApi();
    const res = await request(app).get("/api/v1/node");
    expect(res.status).toBe(401);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(res.body).toMatchObject({ code: "unauthorized", detail: "missing bearer token" });
  });

  it("refuses a wrong token and logs why without the token", async () => {
    const { lines, logger } = capture();
    const { app } = testApi({ logger });
    const res = await request(app).get("/api/v1/jobs").set("authorization", "Bearer not-the-token-XYZ");
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe("wrong bearer token");
    const log = lines.join("");
    expect(log).toContain("authentication failed");
    expect(log).not.toContain("not-the-token-XYZ");
  });

  it("lets the right token in, and keeps /healthz open", async () => {
    const { app, auth } = testApi();
    expect((await request(app).get("/api/v1/jobs").set("authorization", auth)).status).toBe(200);
    expect((await request(app).get("/healthz")).status).toBe(200);
  });

  it("follows a Kubernetes-style symlink rotation: the new token works, the old one stops", async () => {
    const volume = secretVolume("first-token");
    const app = createApp(
      fakeDeps({
        logger: silentLogger(),
        node: new FakeCassandraNode(),
        auth: { mode: "token", token: new FileToken(volume.file) },
      }),
    );
    const get = (token: string) => request(app).get("/api/v1/jobs").set("authorization", `Bearer ${token}`);
    expect((await get("first-token")).status).toBe(200);
    volume.rotate("second-token");
    expect((await get("first-token")).status).toBe(401);
    expect((await get("second-token")).status).toBe(200);
  });

  it("answers 503 when the token file disappears, rather than letting anyone in", async () => {
    const { app, auth, tokenFile } = testApi();
    rmSync(tokenFile);
    const res = await request(app).get("/api/v1/jobs").set("authorization", auth);
    expect(res.status).toBe(503);
    expect(res.body.code).toBe("api-unavailable");
  });

  it("refuses every /api call when no authentication is configured, and opens only when disabled", async () => {
    const node = new FakeCassandraNode();
    const off = createApp(fakeDeps({ logger: silentLogger(), node }));
    expect((await request(off).get("/api/v1/node")).status).toBe(503);
    expect((await request(off).get("/healthz")).status).toBe(200);
    const open = createApp(fakeDeps({ logger: silentLogger(), node, auth: { mode: "disabled" } }));
    expect((await request(open).get("/api/v1/node")).status).toBe(200);
  });

  it("requires a verified client certificate when mutual TLS is on", async () => {
    const app = createApp(
      fakeDeps({
        logger: silentLogger(),
        node: new FakeCassandraNode(),
        auth: { mode: "disabled", requireClientCert: true },
      }),
    );
    const res = await request(app).get("/api/v1/node");
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/client certificate/);
  });
});
