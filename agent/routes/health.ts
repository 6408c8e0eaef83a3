import { Router } from "express";

/**
 * `/healthz` answers for the agent process alone and never touches Cassandra, so a Cassandra problem can
 * never make Kubernetes restart the agent.
 */
export function healthRouter(startedAt: Date): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok", uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000) });
  });
  return router;
}
