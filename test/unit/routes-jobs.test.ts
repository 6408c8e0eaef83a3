import request from "supertest";
import { describe, expect, it } from "vitest";
import { testApi } from "../support/api-app.js";

describe("/api/v1/jobs", () => {
  it("lists jobs and gets one by ID", async () => {
    const { app, auth, jobs } = testApi();
    const { job } = await jobs.submit({ type: "flush", exclusive: false, run: async () => ({ ok: 1 }) });
    await jobs.wait(job.id);
    const list = await request(app).get("/api/v1/jobs?limit=5&state=succeeded").set("authorization", auth);
    expect(list.status).toBe(200);
    expect(list.body.map((j: { id: string }) => j.id)).toEqual([job.id]);
    const one = await request(app).get(`/api/v1/jobs/${job.id}`).set("authorization", auth);
    expect(one.body).toMatchObject({ id: job.id, state: "succeeded", result: { ok: 1 } });
  });

  it("answers 404 for an unknown job and 400 naming the field for a malformed ID or query", async () => {
    const { app, auth } = testApi();
    const missing = await request(app)
      .get("/api/v1/jobs/6f1c1d7e-8a3b-4c2d-9e0f-1a2b3c4d5e6f")
      .set("authorization", auth);
    expect(missing.status).toBe(404);
    const bad = await request(app).get("/api/v1/jobs/..%2f..%2fetc").set("authorization", auth);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "validation-failed", field: "params.id" });
    const badQuery = await request(app).get("/api/v1/jobs?limit=0&bogus=1").set("authorization", auth);
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(["query.limit", "query.bogus"]),
    );
  });

  it("cancels a queued job", async () => {
    const { app, auth, jobs } = testApi();
    const never = () => new Promise<never>(() => {});
    await jobs.submit({ type: "a", exclusive: false, run: never });
    await jobs.submit({ type: "b", exclusive: false, run: never });
    const { job } = await jobs.submit({ type: "c", exclusive: false, run: never });
    const res = await request(app).post(`/api/v1/jobs/${job.id}/cancel`).set("authorization", auth);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe("cancelled");
  });
});
