import express from "express";
import request from "supertest";
import type { JsonBody } from "../domain/json-body";
import { sendCachedJson } from "./send-json";

function appSending(body: JsonBody) {
  const app = express();
  app.get("/", (_req, res) => sendCachedJson(res, { body, cache: "miss" }));
  return app;
}

describe("sendCachedJson", () => {
  it("sends a small body with an ETag, so a client can revalidate it", async () => {
    const answer = await request(appSending('{"a":1}')).get("/");
    expect(answer.status).toBe(200);
    expect(answer.headers["etag"]).toBeDefined();
    expect(answer.headers["x-cache"]).toBe("MISS");
    expect(answer.body).toEqual({ a: 1 });
  });

  it("sends a large body whole, as JSON with its length, without hashing it for an ETag", async () => {
    const points = Array.from({ length: 20_000 }, (_, i) => ({ bucket_start: new Date(i * 60_000).toISOString(), count: i, label: "é" }));
    const body = JSON.stringify({ points });
    const answer = await request(appSending(body)).get("/");
    expect(answer.status).toBe(200);
    expect(answer.headers["etag"]).toBeUndefined();
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(Number(answer.headers["content-length"])).toBe(Buffer.byteLength(body));
    expect(answer.body).toEqual({ points });
  });

  it("sends a body in parts as the parts joined, large or small", async () => {
    const points = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ bucket_start: new Date(i * 60_000).toISOString(), label: "é" }));
    const parts = [Buffer.from('{"points":['), ...points.flatMap((point, i) => [Buffer.from(i === 0 ? point : `,${point}`)]), Buffer.from("]}")];
    const large = await request(appSending(parts)).get("/");
    expect(large.status).toBe(200);
    expect(large.headers["etag"]).toBeUndefined();
    expect(large.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(Number(large.headers["content-length"])).toBe(Buffer.concat(parts).length);
    expect(large.body.points).toHaveLength(20_000);
    expect(large.body.points[19_999].label).toBe("é");

    const small = await request(appSending([Buffer.from('{"a":'), Buffer.from("1}")])).get("/");
    expect(small.headers["etag"]).toBeDefined();
    expect(small.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(small.body).toEqual({ a: 1 });
  });
});
