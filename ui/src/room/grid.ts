/** Where tiles go: the column count that makes `count` tiles of `aspect` as large as possible. */
export type GridLayout = { cols: number; rows: number; tileWidth: number; tileHeight: number };

export function gridLayout(count: number, width: number, height: number, aspect = 16 / 9, gap = 12): GridLayout {
  const n = Math.max(1, count);
  let best: GridLayout = { cols: 1, rows: n, tileWidth: 0, tileHeight: 0 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const cellW = (width - gap * (cols - 1)) / cols;
    const cellH = (height - gap * (rows - 1)) / rows;
    if (cellW <= 0 || cellH <= 0) continue;
    const tileWidth = Math.min(cellW, cellH * aspect);
    const tileHeight = tileWidth / aspect;
    // Prefer bigger tiles; on a tie, fewer empty cells.
    if (tileWidth > best.tileWidth + 0.5 || (Math.abs(tileWidth - best.tileWidth) <= 0.5 && cols * rows < best.cols * best.rows)) {
      best = { cols, rows, tileWidth, tileHeight };
    }
  }
  return best;
}
