import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { Express } from "express";
import type { AgentConfig } from "../config.js";
import { readSecretFile } from "../secrets.js";

/**
 * Starts the HTTP server, or HTTPS when a certificate and key are configured. With a client CA the TLS
 * handshake asks for a client certificate but does not reject a connection without one: the kubelet's
 * probes present none, so `/probes/*`, `/healthz` and `/metrics` must still answer; /api checks the
 * verification result itself. Certificates are read once at start-up.
 */
export async function listen(app: Express, config: AgentConfig): Promise<Server> {
  const server =
    config.tlsCertFile && config.tlsKeyFile
      ? createHttpsServer(
          {
            cert: readFileSync(config.tlsCertFile),
            key: readSecretFile(config.tlsKeyFile, "AGENT_TLS_KEY_FILE"),
            ...(config.tlsClientCaFile
              ? { ca: readFileSync(config.tlsClientCaFile), requestCert: true, rejectUnauthorized: false }
              : {}),
          },
          app,
        )
      : createHttpServer(app);
  await bind(server, config.port, config.listenHost);
  return server;
}

/** Listens on `host:port`, rejecting when the port cannot be had (in use, not permitted). */
async function bind(server: Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** Marks the connections of the local listener, which the API trusts without a client certificate. */
const LOCAL_LISTENER = Symbol("cassandra-pod-agent local listener");

/** Whether a request came in through {@link listenLocal}'s loopback port. */
export function viaLocalListener(socket: Socket): boolean {
  return (socket as Socket & { [LOCAL_LISTENER]?: boolean })[LOCAL_LISTENER] === true;
}

/** What the local listener serves: the preStop hook's drain (and its state), and a liveness check. */
const LOCAL_ROUTES = new Set(["/healthz", "/api/v1/node/drain"]);

/**
 * A plain-HTTP listener on 127.0.0.1 for the preStop hook, beside the main one. The hook runs in the
 * Cassandra container, which shares the pod's loopback but not the agent's certificates: with HTTPS and
 * client certificates on the main port it could not drain at all, and a pod would stop without a drain.
 * Only the pod's containers reach loopback; the drain still needs the API token.
 */
export async function listenLocal(app: Express, port: number): Promise<Server> {
  const server = createHttpServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (LOCAL_ROUTES.has(path)) {
      app(req, res);
      return;
    }
    res.writeHead(404, { "content-type": "application/problem+json" });
    res.end(
      JSON.stringify({
        type: "about:blank",
        title: "Not found",
        status: 404,
        detail: "the local port serves only the drain and /healthz; use the main port",
      }),
    );
  });
  server.on("connection", (socket) => {
    (socket as Socket & { [LOCAL_LISTENER]?: boolean })[LOCAL_LISTENER] = true;
  });
  await bind(server, port, "127.0.0.1");
  return server;
}
