import express from "express";
import { listen } from "./http-server";

describe("listen", () => {
  it("serves the app with requests and responses born with its prototypes, so Express has nothing to re-parent", async () => {
    const app = express();
    app.get("/things/:id", (req, res) => {
      res.status(201).json({ id: req.params.id, header: req.get("x-probe"), query: req.query.q });
    });
    const running = await listen(app, "127.0.0.1", 0);
    // Looked at before Express sees the request (it would re-parent anything else).
    const seen: boolean[] = [];
    running.server.prependListener("request", (req, res) => seen.push(Object.getPrototypeOf(req) === app.request, Object.getPrototypeOf(res) === app.response));
    try {
      const response = await fetch(`http://127.0.0.1:${running.port}/things/7?q=a`, { headers: { "X-Probe": "yes" } });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ id: "7", header: "yes", query: "a" });
      expect(seen).toEqual([true, true]);
      // Node's own parts of the messages still work: headers, keep-alive, a second request on the socket.
      const again = await fetch(`http://127.0.0.1:${running.port}/missing`);
      expect(again.status).toBe(404);
      expect(seen).toEqual([true, true, true, true]);
    } finally {
      await running.close();
    }
  });
});
