import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { request } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../agent/config.js";
import { FileToken } from "../../../agent/http/auth.js";
import { listen, listenLocal } from "../../../agent/http/listen.js";
import { prestop } from "../../../agent/prestop.js";
import { AgentCallError, AgentClient } from "../../../agent/client/agent-client.js";
import { createApp } from "../../../agent/server.js";
import { FakeCassandraNode } from "../../support/fakes/fake-cassandra-node.js";
import { freePort } from "../../support/free-port.js";
import { silentLogger } from "../../support/silent-logger.js";
import { fakeDeps } from "../../support/app-deps.js";

const dir = mkdtempSync(path.join(tmpdir(), "cpa-tls-"));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });

/** A CA, a server certificate for 127.0.0.1, a client certificate it signed, and a self-signed rogue one. */
function makeCertificates(): void {
  const subj = (cn: string) => ["-subj", `/CN=${cn}`];
  const selfSigned = (name: string, cn: string) =>
    openssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      ...subj(cn),
    );
  selfSigned("ca", "test-ca");
  writeFileSync(file("san.ext"), "subjectAltName=IP:127.0.0.1\n");
  for (const name of ["server", "client"]) {
    openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      ...subj(name),
    );
    const ext = name === "server" ? ["-extfile", "san.ext"] : [];
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "2",
      "-out",
      `${name}.crt`,
      ...ext,
    );
  }
  selfSigned("rogue", "rogue");
}

let server: Server;
let localServer: Server;
let port: number;
let localPort: number;
let node: FakeCassandraNode;

function get(pathname: string, client?: "client" | "rogue"): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: pathname,
        ca: readFileSync(file("ca.crt")),
        headers: { authorization: "Bearer tls-token" },
        ...(client
          ? { cert: readFileSync(file(`${client}.crt`)), key: readFileSync(file(`${client}.key`)) }
          : {}),
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  makeCertificates();
  writeFileSync(file("token"), "tls-token\n");
  port = await freePort();
  const config = loadConfig({
    AGENT_LISTEN_HOST: "127.0.0.1",
    AGENT_PORT: String(port),
    AGENT_TLS_CERT_FILE: file("server.crt"),
    AGENT_TLS_KEY_FILE: file("server.key"),
    AGENT_TLS_CLIENT_CA_FILE: file("ca.crt"),
  });
  node = new FakeCassandraNode();
  const app = createApp(
    fakeDeps({
      logger: silentLogger(),
      node,
      auth: { mode: "token", token: new FileToken(file("token")), requireClientCert: true },
    }),
  );
  server = await listen(app, config);
  localPort = await freePort();
  localServer = await listenLocal(app, localPort);
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => localServer.close(() => resolve()));
});

describe("HTTPS with mutual TLS", () => {
  it("keeps /healthz open to clients without a certificate (the kubelet presents none)", async () => {
    expect(await get("/healthz")).toBe(200);
  });

  it("requires a client certificate signed by the client CA on /api, on top of the token", async () => {
    expect(await get("/api/v1/jobs")).toBe(401);
    expect(await get("/api/v1/jobs", "rogue")).toBe(401);
    expect(await get("/api/v1/jobs", "client")).toBe(200);
  });
});

describe("the local port for the preStop hook, beside HTTPS with mutual TLS", () => {
  const local = (pathname: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${localPort}${pathname}`, init).then((r) => r.status);

  it("serves only the drain and /healthz, and the drain still needs the token", async () => {
    expect(await local("/healthz")).toBe(200);
    expect(await local("/api/v1/node/drain")).toBe(401);
    expect(await local("/api/v1/node/drain", { headers: { authorization: "Bearer wrong" } })).toBe(401);
    const auth = { headers: { authorization: "Bearer tls-token" } };
    expect(await local("/api/v1/node/drain", auth)).toBe(200);
    for (const elsewhere of ["/api/v1/jobs", "/api/v1/node", "/metrics", "/probes/readiness"]) {
      expect(await local(elsewhere, auth), elsewhere).toBe(404);
    }
  });

  it("lets `cassandra-pod-agent prestop` drain with nothing but the token", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AGENT_PORT: String(port),
      AGENT_LOCAL_PORT: String(localPort),
      AGENT_API_TOKEN_FILE: file("token"),
    });
    try {
      expect(await prestop({})).toMatch(/^Cassandra drained in \d+ ms$/);
      expect((await node.status()).operationMode).toBe("DRAINED");
    } finally {
      process.env = saved;
    }
  });
});

describe("the typed client (and so the cluster CLI) against HTTPS with mutual TLS", () => {
  const client = (withCert: boolean) =>
    new AgentClient({
      url: `https://127.0.0.1:${port}`,
      token: "tls-token",
      tls: {
        ca: readFileSync(file("ca.crt")),
        ...(withCert
          ? { cert: readFileSync(file("client.crt")), key: readFileSync(file("client.key")) }
          : {}),
      },
    });

  it("presents its client certificate and verifies the agent's against the given CA", async () => {
    expect(Array.isArray(await client(true).jobs())).toBe(true);
    const refused = await client(false)
      .jobs()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AgentCallError);
    expect((refused as AgentCallError).status).toBe(401);
  });

  it("refuses an agent whose certificate the CA did not sign", async () => {
    const untrusting = new AgentClient({
      url: `https://127.0.0.1:${port}`,
      token: "tls-token",
      tls: { ca: readFileSync(file("rogue.crt")) },
    });
    const error = await untrusting.jobs().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentCallError);
    expect((error as AgentCallError).status).toBe(0);
  });
});
