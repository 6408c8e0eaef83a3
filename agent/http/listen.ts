import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
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
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.listenHost, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}
