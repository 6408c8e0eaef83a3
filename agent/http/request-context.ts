import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "../logger.js";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives every request an ID (the caller's X-Request-Id when it is well formed, a new UUID otherwise),
 * echoes it in the response and logs one line per request when it finishes. Probe and metrics requests
 * log at debug level: the kubelet calls them every few seconds.
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get("x-request-id");
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    const started = performance.now();
    res.on("finish", () => {
      const quiet = req.path.startsWith("/probes/") || req.path === "/metrics" || req.path === "/healthz";
      const line = {
        requestId,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      };
      if (quiet && res.statusCode < 500) logger.debug(line, "request");
      else logger.info(line, "request");
    });
    next();
  };
}
