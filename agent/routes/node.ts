import type { CassandraNode } from "../cassandra/node.js";
import { ok, type ApiRegistry } from "../http/api-route.js";

/** Read-only views of the local node through the Cassandra port. */
export function registerNodeRoutes(api: ApiRegistry, node: CassandraNode): void {
  api.route(
    {
      method: "get",
      path: "/api/v1/node",
      operationId: "getNode",
      summary: "the local node: identity, mode, tokens, versions, gossip view",
      tag: "node",
      responses: { 200: { description: "the node's status" } },
    },
    async () => ok(await node.status()),
  );
  api.route(
    {
      method: "get",
      path: "/api/v1/keyspaces",
      operationId: "listKeyspaces",
      summary: "keyspaces with replication and tables",
      tag: "schema",
      responses: { 200: { description: "keyspaces" } },
    },
    async () => ok(await node.keyspaces()),
  );
}
