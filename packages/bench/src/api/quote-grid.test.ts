import { GRID_SYMBOLS, inGap, quoteGrid, quoteIndexInForce, quoteTimeMs } from "./quote-grid";

const DAY_MS = 86_400_000;
const FROM = Date.UTC(2026, 10, 1);

describe("quoteGrid", () => {
  it("spreads the quotes evenly over the month, each symbol on its own whole-millisecond grid", () => {
    const grid = quoteGrid(FROM, FROM + 30 * DAY_MS, 6_000_000);
    expect(grid.perSymbol).toBe(750_000);
    expect(grid.intervalMs).toBe(Math.floor((30 * DAY_MS) / 750_000));
    const last = quoteTimeMs(grid, GRID_SYMBOLS.length - 1, grid.perSymbol - 1);
    expect(last).toBeLessThan(FROM + 30 * DAY_MS);
    expect(new Set(GRID_SYMBOLS.map((_, s) => quoteTimeMs(grid, s, 0))).size).toBe(GRID_SYMBOLS.length);
  });

  it("leaves out a gap of many usual intervals now and then, never at a symbol's first quote", () => {
    for (const quotes of [200_000, 6_000_000]) {
      const grid = quoteGrid(FROM, FROM + 30 * DAY_MS, quotes);
      expect(grid.gapLength).toBeGreaterThanOrEqual(12);
      expect(grid.gapLength / grid.gapEvery).toBeLessThan(0.06);
      for (const [s] of GRID_SYMBOLS.entries()) {
        expect(inGap(grid, s, 0)).toBe(false);
        const gapped = Array.from({ length: grid.gapEvery * 3 }, (_, k) => inGap(grid, s, k)).filter(Boolean).length;
        expect(gapped).toBe(grid.gapLength * 3);
      }
    }
  });

  it("finds the quote in force: the latest quote stored at or before the time", () => {
    const grid = quoteGrid(FROM, FROM + DAY_MS, 8_000);
    const s = 3;
    const stored = Array.from({ length: grid.perSymbol }, (_, k) => k).filter((k) => !inGap(grid, s, k));
    const bruteForce = (t: number) => stored.filter((k) => quoteTimeMs(grid, s, k) <= t).at(-1) ?? -1;
    const times = [FROM, quoteTimeMs(grid, s, 0) - 1, quoteTimeMs(grid, s, 0), FROM + DAY_MS - 1];
    for (let k = 0; k < grid.perSymbol; k += 7) times.push(quoteTimeMs(grid, s, k), quoteTimeMs(grid, s, k) + 1, quoteTimeMs(grid, s, k) - 1);
    expect(times.map((t) => quoteIndexInForce(grid, s, t))).toEqual(times.map(bruteForce));
  });
});
