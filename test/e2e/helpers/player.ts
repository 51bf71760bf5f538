/** Drives the player like a person at the keyboard: hold the arrow keys, watch where you are, let go. */
import type { Page } from 'playwright-core';

export interface Snapshot {
  started: boolean;
  player: { x: number; y: number; facing: string };
  npcs: { id: string; name: string; x: number; y: number; state: string; said: string; bubble: string }[];
  talk: {
    target: string | null;
    nearby: string | null;
    npcState: string;
    micMode: string;
    micOpen: boolean;
    micLive: boolean;
    typing: boolean;
    debug: boolean;
    problems: string[];
    problemDetails: string[];
    lastHeard: string;
    lastSaid: string;
  };
  gold: number;
  items: Record<string, number>;
  quest: string[];
  gateOpen: boolean;
  shopOpen: boolean;
  volume: number;
  audioState: string;
  fps: number;
}

export function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(() => (window as any).__game as Snapshot);
}

/**
 * Walks to (x, y) one axis at a time (vertical first unless `horizontalFirst`), holding the arrow
 * keys and polling the player's position. Throws if the player stops making progress (a wall).
 */
export async function walkTo(
  page: Page,
  x: number,
  y: number,
  opts: { tolerance?: number; horizontalFirst?: boolean; timeoutMs?: number } = {},
): Promise<Snapshot> {
  const tol = opts.tolerance ?? 6;
  const axes: ('x' | 'y')[] = opts.horizontalFirst ? ['x', 'y'] : ['y', 'x'];
  for (const axis of axes) {
    const target = axis === 'x' ? x : y;
    let held: string | null = null;
    let last = Number.NaN;
    let lastProgress = Date.now();
    const deadline = Date.now() + (opts.timeoutMs ?? 45_000);
    try {
      for (;;) {
        const s = await snapshot(page);
        const pos = s.player[axis];
        const d = target - pos;
        if (Math.abs(d) <= tol) break;
        const key = axis === 'x' ? (d < 0 ? 'ArrowLeft' : 'ArrowRight') : d < 0 ? 'ArrowUp' : 'ArrowDown';
        if (held && held !== key) {
          // Overshot at a low frame rate: close enough if within two steps, else walk back.
          if (Math.abs(d) <= tol * 2) break;
          await page.keyboard.up(held);
          held = null;
        }
        if (!held) {
          await page.keyboard.down(key);
          held = key;
          lastProgress = Date.now();
        }
        if (Math.abs(pos - last) >= 1) {
          last = pos;
          lastProgress = Date.now();
        }
        if (Date.now() - lastProgress > 10_000)
          throw new Error(`player stuck at (${s.player.x}, ${s.player.y}) walking to (${x}, ${y})`);
        if (Date.now() > deadline)
          throw new Error(`walkTo(${x}, ${y}) timed out at (${s.player.x}, ${s.player.y})`);
        await page.waitForTimeout(10);
      }
    } finally {
      if (held) await page.keyboard.up(held);
    }
  }
  return snapshot(page);
}

/** Polls the game snapshot until `pred` holds; returns it. */
export async function waitForGame(
  page: Page,
  pred: (s: Snapshot) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<Snapshot> {
  const deadline = Date.now() + timeoutMs;
  let s = await snapshot(page);
  while (!pred(s)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last state ${JSON.stringify(s.talk)}`);
    await page.waitForTimeout(50);
    s = await snapshot(page);
  }
  return s;
}

/**
 * Waypoints from the spawn to stand beside each NPC. The map is generated (scripts/art/map.ts), so
 * these stay valid; each leg was checked against the collision layer.
 */
export const ROUTES: Record<string, [number, number][]> = {
  mira: [
    [384, 316],
    [262, 316],
    [262, 326],
  ],
  pip: [
    [384, 316],
    [470, 316],
    [470, 290],
    [490, 290],
  ],
  /** Stops west of Aldric, so he stands to the player's right. */
  aldric: [
    [384, 440],
    [540, 440],
  ],
  /** From Aldric up the main street to Brenna at the north gate. */
  aldricToBrenna: [
    [384, 440],
    [384, 316],
    [440, 316],
    [440, 216],
  ],
  brenna: [
    [384, 316],
    [440, 316],
    [440, 216],
  ],
  /** From Brenna through the north gate to the Moonwell. */
  moonwell: [
    [440, 250],
    [384, 250],
    [384, 100],
  ],
  /** From Mira back down the main street, out of everyone's range. */
  away: [
    [384, 316],
    [384, 528],
  ],
};

export async function walkRoute(page: Page, route: [number, number][]): Promise<Snapshot> {
  let s = await snapshot(page);
  for (const [x, y] of route) s = await walkTo(page, x, y);
  return s;
}
