import { Router } from "express";
import type { ProbeName } from "../../probes/assess.js";
import type { ProbeService } from "../../probes/probe-service.js";

const PROBES: ProbeName[] = ["startup", "liveness", "readiness"];

/**
 * `/probes/{startup,liveness,readiness}` for the kubelet: 200 when passing, 503 when not, with a small
 * JSON body (verdict, each check, the node state seen and its age). Answered from the poller's cache.
 */
export function probesRouter(probes: ProbeService): Router {
  const router = Router();
  for (const probe of PROBES) {
    router.get(`/probes/${probe}`, (_req, res) => {
      const verdict = probes.verdict(probe);
      const status = probes.snapshot().status;
      res
        .status(verdict.pass ? 200 : 503)
        .set("Cache-Control", "no-store")
        .json({
          ...verdict,
          verdict: verdict.pass ? "pass" : "fail",
          state: status
            ? {
                operationMode: status.operationMode,
                gossipRunning: status.gossipRunning,
                nativeTransportRunning: status.nativeTransportRunning,
                endpoint: status.endpoint,
                liveEndpoints: status.liveEndpoints.length,
                unreachableEndpoints: status.unreachableEndpoints.length,
              }
            : null,
        });
    });
  }
  return router;
}
