import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import type { TLSSocket } from "node:tls";
import type { RequestHandler } from "express";
import { ApiUnavailableError, UnauthorizedError } from "../errors.js";
import { viaLocalListener } from "./listen.js";
import type { Logger } from "../logger.js";

const sha256 = (value: string | Buffer) => createHash("sha256").update(value).digest();

/**
 * The API's bearer token, read from a file (a mounted Kubernetes Secret). Kubernetes rotates Secret files by
 * swapping a symlink, so every check stats the path (following links) and re-reads it when the inode, size
 * or modification time changed: a rotated token takes effect on the next request, the old one stops working.
 * Only the token's SHA-256 is kept.
 */
export class FileToken {
  private digest: Buffer | undefined;
  private signature = "";

  constructor(readonly file: string) {}

  /** The current token's digest; throws `ApiUnavailableError` when the file is missing, unreadable or empty. */
  current(): Buffer {
    let signature: string;
    try {
      const stat = statSync(this.file);
      signature = `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
      if (signature !== this.signature || !this.digest) {
        const token = readFileSync(this.file, "utf8").trim();
        if (token.length === 0) throw new Error("empty");
        this.digest = sha256(token);
        this.signature = signature;
      }
    } catch (error) {
      this.digest = undefined;
      this.signature = "";
      throw new ApiUnavailableError("the API token file cannot be read; no request can be authenticated", {
        cause: error,
      });
    }
    return this.digest;
  }
}

/** How /api authenticates: a token file, explicitly nothing, or not configured (every call refused). */
export type ApiAuth =
  | { mode: "token"; token: FileToken; requireClientCert?: boolean }
  | { mode: "disabled"; requireClientCert?: boolean }
  | { mode: "unconfigured" };

/** Compares a presented token with the expected digest in constant time (hashes have equal lengths). */
export function tokenMatches(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(sha256(presented), expected);
}

function bearer(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer +([^\s]+) *$/i.exec(header);
  return match?.[1];
}

/**
 * Guards every /api route. A failure is a 401 problem document and one warning line that says why, never
 * with the token. With mutual TLS the client certificate must have been verified against the client CA too.
 */
export function apiAuthentication(auth: ApiAuth, logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (auth.mode === "unconfigured") {
      return next(
        new ApiUnavailableError("the API is off: set AGENT_API_TOKEN_FILE, or AGENT_API_AUTH=disabled"),
      );
    }
    const refuse = (reason: string) => {
      logger.warn({ requestId: res.locals.requestId, path: req.path, reason }, "authentication failed");
      res.setHeader("WWW-Authenticate", 'Bearer realm="cassandra-pod-agent"');
      next(new UnauthorizedError(reason));
    };
    // The loopback listener for the preStop hook has no TLS; the pod's own containers are trusted there.
    if (auth.requireClientCert && !viaLocalListener(req.socket) && !(req.socket as TLSSocket).authorized) {
      return refuse("a client certificate signed by the configured CA is required");
    }
    if (auth.mode === "disabled") return next();
    let expected: Buffer;
    try {
      expected = auth.token.current();
    } catch (error) {
      logger.error({ err: error, file: auth.token.file }, "API token file unreadable");
      return next(error);
    }
    const presented = bearer(req.get("authorization"));
    if (presented === undefined) return refuse("missing bearer token");
    if (!tokenMatches(presented, expected)) return refuse("wrong bearer token");
    next();
  };
}
