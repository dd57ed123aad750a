import { INTERVAL_MS } from "./intervals";
import { coverRange } from "./range-cover";

const at = (iso: string) => Date.parse(iso);
const ALL = ["1m", "5m", "15m", "1h", "1d"] as const;

describe("coverRange", () => {
  it("tiles a month with day buckets and only its ragged edges with finer ones", () => {
    const segments = coverRange(at("2025-10-01T22:37:00Z"), at("2025-10-31T01:02:00Z"), ALL);
    expect(segments).toEqual([
      { interval: "1m", fromMs: at("2025-10-01T22:37:00Z"), toMs: at("2025-10-01T22:40:00Z") },
      { interval: "5m", fromMs: at("2025-10-01T22:40:00Z"), toMs: at("2025-10-01T22:45:00Z") },
      { interval: "15m", fromMs: at("2025-10-01T22:45:00Z"), toMs: at("2025-10-01T23:00:00Z") },
      { interval: "1h", fromMs: at("2025-10-01T23:00:00Z"), toMs: at("2025-10-02T00:00:00Z") },
      { interval: "1d", fromMs: at("2025-10-02T00:00:00Z"), toMs: at("2025-10-31T00:00:00Z") },
      { interval: "1h", fromMs: at("2025-10-31T00:00:00Z"), toMs: at("2025-10-31T01:00:00Z") },
      { interval: "1m", fromMs: at("2025-10-31T01:00:00Z"), toMs: at("2025-10-31T01:02:00Z") },
    ]);
  });

  it("covers every minute exactly once for arbitrary aligned ranges", () => {
    const base = at("2025-10-01T00:00:00Z");
    for (let i = 0; i < 200; i++) {
      const from = base + Math.floor(Math.random() * 5000) * 60_000;
      const to = from + Math.floor(Math.random() * 5000) * 60_000;
      const segments = coverRange(from, to, ALL);
      let cursor = from;
      for (const segment of segments) {
        expect(segment.fromMs).toBe(cursor);
        expect(segment.fromMs % INTERVAL_MS[segment.interval]).toBe(0);
        expect(segment.toMs % INTERVAL_MS[segment.interval]).toBe(0);
        expect(segment.toMs).toBeGreaterThan(segment.fromMs);
        cursor = segment.toMs;
      }
      expect(cursor).toBe(to);
    }
  });

  it("uses only the configured intervals and refuses unaligned ends", () => {
    expect(coverRange(at("2025-10-01T00:00:00Z"), at("2025-10-03T00:00:00Z"), ["1h", "1m"])).toEqual([
      { interval: "1h", fromMs: at("2025-10-01T00:00:00Z"), toMs: at("2025-10-03T00:00:00Z") },
    ]);
    expect(() => coverRange(at("2025-10-01T00:00:30Z"), at("2025-10-01T01:00:00Z"), ALL)).toThrow("1m boundaries");
  });
});
