import { Router } from "express";
import type { Registry } from "prom-client";
import { renderMetrics } from "../metrics/exposition.js";

/** What `/metrics` serves: a registry, and optionally a source to refresh before each render. */
export interface MetricsDeps {
  registry: Registry;
  /** Refreshed before rendering (Cassandra's metrics); must not reject, as a scrape never fails on it. */
  cassandra?: { refresh(): Promise<unknown> };
}

/**
 * `GET /metrics`, unauthenticated like Prometheus expects: the classic text format, or OpenMetrics when the
 * Accept header asks for it. A Cassandra that cannot be read shows as `cassandra_up 0`, never as a 500.
 */
export function metricsRouter(deps: MetricsDeps): Router {
  const router = Router();
  router.get("/metrics", async (req, res) => {
    await deps.cassandra?.refresh();
    const { contentType, body } = await renderMetrics(deps.registry, req.get("accept"));
    res.setHeader("Content-Type", contentType);
    res.setHeader("Cache-Control", "no-store");
    res.send(body);
  });
  return router;
}
