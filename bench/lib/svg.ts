/**
 * A small hand-written SVG line chart (no dependencies): log-scaled axes, one polyline per series,
 * dashed horizontal target lines. Used for frame cost against NPC count.
 */

export interface Series {
  name: string;
  color: string;
  dashed?: boolean;
  points: Array<[number, number]>;
}

export interface Target {
  label: string;
  y: number;
  /** Only drawn from this x on (a target that applies at one NPC count). */
  x?: number;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  targets?: Target[];
  width?: number;
  height?: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

const fmt = (v: number) => (v >= 1 ? v.toLocaleString('en-US') : String(Number(v.toPrecision(2))));

export function logLogChart(o: ChartOptions): string {
  const W = o.width ?? 760;
  const H = o.height ?? 420;
  const m = { l: 70, r: 215, t: 40, b: 55 };
  const pts = o.series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0);
  const ys = [...pts.map((p) => p[1]), ...(o.targets ?? []).map((t) => t.y)];
  const xs = pts.map((p) => p[0]);
  if (pts.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="80"><text x="10" y="40" font-family="sans-serif">${esc(o.title)}: no data</text></svg>\n`;
  }
  const xTicks = decades(Math.min(...xs), Math.max(...xs));
  const yTicks = decades(Math.min(...ys), Math.max(...ys));
  const [x0, x1] = [Math.log10(xTicks[0]!), Math.log10(xTicks.at(-1)!)];
  const [y0, y1] = [Math.log10(yTicks[0]!), Math.log10(yTicks.at(-1)!)];
  const px = (x: number) => m.l + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((Math.log10(y) - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const f = (v: number) => v.toFixed(1);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2 - m.r / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(o.title)}</text>`,
  );
  for (const t of xTicks) {
    parts.push(
      `<line x1="${f(px(t))}" y1="${m.t}" x2="${f(px(t))}" y2="${H - m.b}" stroke="#e5e5e5"/>`,
      `<text x="${f(px(t))}" y="${H - m.b + 18}" text-anchor="middle">${fmt(t)}</text>`,
    );
  }
  for (const t of yTicks) {
    parts.push(
      `<line x1="${m.l}" y1="${f(py(t))}" x2="${W - m.r}" y2="${f(py(t))}" stroke="#e5e5e5"/>`,
      `<text x="${m.l - 8}" y="${f(py(t) + 4)}" text-anchor="end">${fmt(t)}</text>`,
    );
  }
  parts.push(
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#888"/>`,
    `<text x="${m.l + (W - m.l - m.r) / 2}" y="${H - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text transform="translate(18 ${m.t + (H - m.t - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`,
  );
  for (const t of o.targets ?? []) {
    const xStart = t.x !== undefined ? px(t.x) - 12 : m.l;
    const xEnd = t.x !== undefined ? px(t.x) + 12 : W - m.r;
    parts.push(
      `<line x1="${f(xStart)}" y1="${f(py(t.y))}" x2="${f(xEnd)}" y2="${f(py(t.y))}" stroke="#d00" stroke-width="2" stroke-dasharray="4 3"/>`,
      `<text x="${f(xEnd + 4)}" y="${f(py(t.y) - 4)}" fill="#d00" font-size="11">${esc(t.label)}</text>`,
    );
  }
  o.series.forEach((s, i) => {
    const p = s.points.filter(([x, y]) => x > 0 && y > 0).sort((a, b) => a[0] - b[0]);
    const d = p.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(' ');
    parts.push(
      `<polyline points="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      ...p.map(([x, y]) => `<circle cx="${f(px(x))}" cy="${f(py(y))}" r="3" fill="${s.color}"/>`),
    );
    const ly = m.t + 10 + i * 20;
    parts.push(
      `<line x1="${W - m.r + 12}" y1="${ly}" x2="${W - m.r + 36}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${W - m.r + 42}" y="${ly + 4}">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Frame cost (bench/results/frame-cost.json) against NPC count: median and p99, Node and Chromium. */
export function frameCostChart(frameCost: Record<string, unknown> | undefined): string {
  const series: Series[] = [];
  const colors = { node: '#1f77b4', browser: '#2ca02c' } as const;
  for (const env of ['browser', 'node'] as const) {
    const table = frameCost?.[env];
    if (!table || typeof table !== 'object') continue;
    const rows = Object.entries(table as Record<string, unknown>)
      .filter(([k, v]) => /^\d+$/.test(k) && v && typeof v === 'object')
      .map(([k, v]) => [Number(k), v as Record<string, number>] as const);
    const label = env === 'browser' ? 'Chromium + Phaser' : 'Node';
    for (const [stat, dashed] of [
      ['p99_ms', false],
      ['p50_ms', true],
    ] as const) {
      const points = rows
        .filter(([, v]) => typeof v[stat] === 'number')
        .map(([n, v]) => [n, v[stat]!] as [number, number]);
      if (points.length)
        series.push({
          name: `${label} ${stat === 'p50_ms' ? 'median' : 'p99'}`,
          color: colors[env],
          dashed,
          points,
        });
    }
  }
  return logLogChart({
    title: 'Plugin frame cost against NPC count',
    xLabel: 'NPCs in the scene',
    yLabel: 'ms per game frame',
    series,
    targets: [
      { label: 'target 0.1 ms @200', y: 0.1, x: 200 },
      { label: 'target 1 ms @10k', y: 1, x: 10_000 },
    ],
  });
}
