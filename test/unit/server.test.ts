import request from "supertest";
import { describe, expect, it } from "vitest";
import { CassandraTimeoutError } from "../../agent/errors.js";
import { createApp } from "../../agent/server.js";
import { testApi } from "../support/api-app.js";
import { capturedLogger as capture, fakeDeps } from "../support/app-deps.js";
import { FakeCassandraNode } from "../support/fakes/fake-cassandra-node.js";

describe("createApp", () => {
  it("answers /healthz without touching Cassandra", async () => {
    const node = new FakeCassandraNode().failWith(new CassandraTimeoutError("hung"));
    const res = await request(createApp(fakeDeps({ node }))).get("/healthz");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
    expect(node.calls).toEqual([]);
  });

  it("serves the node's status through the port", async () => {
    const { app, auth } = testApi({ node: new FakeCassandraNode({ operationMode: "JOINING" }) });
    const res = await request(app).get("/api/v1/node").set("authorization", auth);
    expect(res.status).toBe(200);
    expect(res.body.operationMode).toBe("JOINING");
  });

  it("renders typed errors as problem+json with code, status and retryable", async () => {
    const node = new FakeCassandraNode().failWith(
      new CassandraTimeoutError("Jolokia did not answer within 5 ms"),
    );
    const { app, auth } = testApi({ node });
    const res = await request(app).get("/api/v1/node").set("authorization", auth);
    expect(res.status).toBe(504);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      code: "cassandra-timeout",
      status: 504,
      retryable: true,
      title: expect.any(String),
    });
    expect(res.body.type).toMatch(/cassandra-timeout$/);
  });

  it("hides unknown errors behind a generic 500 and logs them with the request ID", async () => {
    const node = new FakeCassandraNode();
    node.status = async () => {
      throw new TypeError("secret internals at Foo.java:12");
    };
    const { lines, logger } = capture();
    const { app, auth } = testApi({ node, logger });
    const res = await request(app)
      .get("/api/v1/node")
      .set("X-Request-Id", "req-42")
      .set("authorization", auth);
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain("secret internals");
    expect(res.body).toMatchObject({ code: "internal-error", instance: "urn:request:req-42" });
    expect(res.headers["x-request-id"]).toBe("req-42");
    expect(lines.join("")).toContain("secret internals");
  });

  it("answers unknown routes and malformed JSON with problem documents", async () => {
    const { app, auth } = testApi();
    const missing = await request(app).get("/nope");
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("not-found");
    const malformed = await request(app)
      .post("/api/v1/node")
      .set("authorization", auth)
      .set("content-type", "application/json")
      .send("{bad");
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe("malformed-request");
  });

  it("never logs an Authorization header", async () => {
    const { lines, logger } = capture();
    logger.info({ req: { headers: { authorization: "Bearer s3cr3t" } }, token: "t0k3n" }, "x");
    expect(lines.join("")).not.toMatch(/s3cr3t|t0k3n/);
  });
});
