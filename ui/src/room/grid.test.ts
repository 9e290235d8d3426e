import { gridLayout } from "./grid";

describe("gridLayout", () => {
  it("puts one tile alone, as large as the area allows at 16:9", () => {
    const g = gridLayout(1, 1600, 900);
    expect(g).toMatchObject({ cols: 1, rows: 1 });
    expect(g.tileWidth).toBeCloseTo(1600);
  });

  it("puts two tiles side by side on a wide screen and stacked on a tall one", () => {
    expect(gridLayout(2, 1600, 900)).toMatchObject({ cols: 2, rows: 1 });
    expect(gridLayout(2, 400, 900)).toMatchObject({ cols: 1, rows: 2 });
  });

  it("uses a 2×2 grid for 3–4 people and never overflows the area", () => {
    for (const n of [3, 4]) expect(gridLayout(n, 1600, 900)).toMatchObject({ cols: 2, rows: 2 });
    for (let n = 1; n <= 10; n++) {
      const g = gridLayout(n, 1280, 720);
      expect(g.cols * g.rows).toBeGreaterThanOrEqual(n);
      expect(g.cols * g.tileWidth + 12 * (g.cols - 1)).toBeLessThanOrEqual(1280 + 0.01);
      expect(g.rows * g.tileHeight + 12 * (g.rows - 1)).toBeLessThanOrEqual(720 + 0.01);
    }
  });

  it("handles ten tiles on a phone in portrait", () => {
    const g = gridLayout(10, 390, 700);
    expect(g.cols).toBeLessThanOrEqual(2);
    expect(g.tileWidth).toBeGreaterThan(100);
  });
});
