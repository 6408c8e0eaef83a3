import { Router } from "express";
import type { CassandraNode } from "../cassandra/node.js";
import type { Drainer } from "../operations/drain.js";

/** The local node: its status through the Cassandra port, and the drain a pod's preStop hook asks for. */
export function nodeRouter(node: CassandraNode, drainer: Drainer): Router {
  const router = Router();
  router.get("/api/v1/node", async (_req, res) => {
    res.json({ ...(await node.status()), drain: drainer.state });
  });
  router.get("/api/v1/keyspaces", async (_req, res) => {
    res.json(await node.keyspaces());
  });
  router.get("/api/v1/node/drain", (_req, res) => {
    res.json(drainer.state);
  });
  // Waits for the drain (bounded by its deadline): the preStop hook needs to know when it is done.
  router.post("/api/v1/node/drain", async (_req, res) => {
    res.json(await drainer.drain());
  });
  return router;
}
