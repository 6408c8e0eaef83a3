import { z } from "zod";
import type { CassandraNode } from "../cassandra/node.js";
import type { Drainer } from "../operations/drain.js";
import { NotFoundError } from "../errors.js";
import { ok, type ApiRegistry } from "../http/api-route.js";
import { keyspaceName } from "../http/schemas.js";

const keyspaceParams = z.strictObject({ keyspace: keyspaceName });
const ringQuery = z.strictObject({
  keyspace: keyspaceName.optional().describe("compute effective ownership for this keyspace"),
});

/** Read-only views of the local node, the ring as it sees it, and the schema, through the Cassandra port. */
export function registerNodeRoutes(api: ApiRegistry, node: CassandraNode, drainer: Drainer): void {
  const get = (path: string, operationId: string, summary: string, tag: string) =>
    ({
      method: "get",
      path,
      operationId,
      summary,
      tag,
      responses: { 200: { description: summary } },
    }) as const;

  api.route(
    get("/api/v1/node", "getNode", "the local node: identity, mode, tokens, versions, load, uptime", "node"),
    async () => {
      const [status, ring] = await Promise.all([node.status(), node.ring()]);
      const self = ring.endpoints.find((e) => e.endpoint === status.endpoint);
      return ok({
        ...status,
        load: self?.load ?? null,
        ownership: self?.ownership ?? null,
        drain: drainer.state,
      });
    },
  );
  api.route(
    {
      ...get("/api/v1/ring", "getRing", "every endpoint as nodetool status shows it", "ring"),
      query: ringQuery,
    },
    async ({ query }) => ok(await node.ring(query.keyspace)),
  );
  api.route(
    get("/api/v1/schema/versions", "getSchemaVersions", "schema versions and whether they agree", "ring"),
    async () => {
      const versions = await node.schemaVersions();
      const reachable = Object.keys(versions).filter((v) => v !== "UNREACHABLE");
      return ok({ agreement: reachable.length === 1 && !versions.UNREACHABLE?.length, versions });
    },
  );
  api.route(
    get("/api/v1/keyspaces", "listKeyspaces", "keyspaces with replication and tables", "schema"),
    async () => ok(await node.keyspaces()),
  );
  api.route(
    {
      ...get("/api/v1/keyspaces/{keyspace}", "getKeyspace", "one keyspace with its tables", "schema"),
      params: keyspaceParams,
    },
    async ({ params }) => {
      const found = (await node.keyspaces()).find((k) => k.name === params.keyspace);
      if (!found) throw new NotFoundError(`no keyspace ${params.keyspace}`);
      return ok(found);
    },
  );
}
