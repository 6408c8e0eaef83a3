import { Router } from "express";
import type { CassandraNode } from "../cassandra/node.js";

/** Read-only views of the local node through the Cassandra port. */
export function nodeRouter(node: CassandraNode): Router {
  const router = Router();
  router.get("/api/v1/node", async (_req, res) => {
    res.json(await node.status());
  });
  router.get("/api/v1/keyspaces", async (_req, res) => {
    res.json(await node.keyspaces());
  });
  return router;
}
