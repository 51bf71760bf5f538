/** Drives the player like a person at the keyboard: hold the arrow keys, watch where you are, let go. */
import type { Page } from 'playwright-core';

// The game's own read-only debug handle type: one definition, so the test cannot drift from the game.
export type { GameSnapshot as Snapshot } from '../../../sample-game/debug-handle.js';
import type { GameSnapshot as Snapshot } from '../../../sample-game/debug-handle.js';
import { poll, pollPage } from '../../../harness/poll.js';

/** The player's speed in the game (sample-game/game/actors.ts), world px per second. */
const WALK_SPEED = 84;

export function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(() => window.__game!);
}

/**
 * Walks to (x, y) one axis at a time (vertical first unless `horizontalFirst`), like a player at
 * the keyboard: far from the target, hold the arrow key and let go a safe distance early (the page
 * itself watches the position every animation frame, so a slow test process does not overshoot);
 * close to it, short presses sized to the remaining distance. Throws if the player stops moving.
 */
export async function walkTo(
  page: Page,
  x: number,
  y: number,
  opts: { tolerance?: number; horizontalFirst?: boolean; timeoutMs?: number } = {},
): Promise<Snapshot> {
  const tol = opts.tolerance ?? 6;
  const axes: ('x' | 'y')[] = opts.horizontalFirst ? ['x', 'y'] : ['y', 'x'];
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (const axis of axes) {
    const target = axis === 'x' ? x : y;
    let still = 0;
    let prev = Number.NaN;
    for (;;) {
      const s = await snapshot(page);
      const pos = s.player[axis];
      const d = target - pos;
      if (Math.abs(d) <= tol) break;
      if (Date.now() > deadline)
        throw new Error(`walkTo(${x}, ${y}) timed out at (${s.player.x}, ${s.player.y})`);
      still = Math.abs(pos - prev) < 0.5 ? still + 1 : 0;
      prev = pos;
      if (still >= 6)
        throw new Error(`player stuck at (${s.player.x}, ${s.player.y}) walking to (${x}, ${y})`);
      const key = axis === 'x' ? (d < 0 ? 'ArrowLeft' : 'ArrowRight') : d < 0 ? 'ArrowUp' : 'ArrowDown';
      if (Math.abs(d) > 40) {
        await page.keyboard.down(key);
        try {
          const stopAt = target - Math.sign(d) * 24;
          // Read often (a held key walks on between reads): every 10 ms, about a frame's time.
          await poll(
            () =>
              page.evaluate(
                ([ax, t, dir]) => {
                  const p = window.__game!.player[ax as 'x' | 'y'];
                  const w = (window.__walk ??= { p: Number.NaN, at: performance.now() });
                  if (Math.abs(p - w.p) >= 0.5) Object.assign(w, { p, at: performance.now() });
                  if ((dir as number) < 0 ? p <= (t as number) : p >= (t as number)) return true;
                  return performance.now() - w.at > 6000; // blocked: let the outer loop notice
                },
                [axis, stopAt, Math.sign(d)] as const,
              ),
            (passed) => passed,
            {
              what: `the player holding ${key} to reach ${axis} = ${stopAt} (or stop moving for 6 s)`,
              timeout: Math.max(1000, deadline - Date.now()),
              interval: 10,
            },
          );
        } finally {
          await page.keyboard.up(key);
          await page.evaluate(() => delete window.__walk);
        }
      } else {
        // A short press, about two thirds of the way: converges without overshooting.
        await page.keyboard.down(key);
        await page.waitForTimeout(Math.max(90, ((Math.abs(d) * 0.66) / WALK_SPEED) * 1000));
        await page.keyboard.up(key);
      }
      await page.waitForTimeout(60);
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
  let last: Snapshot | undefined;
  return poll(async () => (last = await snapshot(page)), pred, {
    what,
    timeout: timeoutMs,
    interval: 50,
    context: () => ({ talk: last?.talk, player: last?.player }),
  });
}

/** A waypoint: x, y and how close walkTo must get (default 6 px). */
export type Waypoint = [x: number, y: number, tolerance?: number];

/**
 * Waypoints (each leg along one axis) to stand beside NPCs. The map is generated
 * (scripts/art/map.ts), so these stay valid; test/unit/e2e-routes.test.ts checks every leg against
 * its collision layer from anywhere within each waypoint's tolerance.
 */
export const ROUTES: Record<string, Waypoint[]> = {
  /** Stops south-east of Mira, so she stands to the player's left. */
  mira: [
    [384, 404],
    [300, 404],
    [300, 340],
  ],
  /** From Mira back down the main street, out of everyone's range. */
  away: [
    [300, 404],
    [384, 404],
    [384, 528],
  ],
  /** From the spawn; stops west of Aldric, so he stands to the player's right. */
  aldric: [
    [384, 440],
    [510, 440],
  ],
  /** From Aldric up the east side of the square to Brenna at the north gate. */
  aldricToBrenna: [
    [466, 440],
    [466, 216],
  ],
  /**
   * From the spawn west along the south edge to Meiling, resting below the farm: a lane 16 px high
   * between a bush and the fence below, so the player's body (6 px) fits only with 4 px tolerance.
   */
  meiling: [
    [384, 539, 4],
    [196, 539, 4],
  ],
  /** From Brenna through the north gate to the Moonwell. */
  moonwell: [
    [466, 256],
    [384, 256],
    [384, 100],
  ],
};

export async function walkRoute(page: Page, route: Waypoint[]): Promise<Snapshot> {
  let s = await snapshot(page);
  for (const [x, y, tolerance] of route) s = await walkTo(page, x, y, { tolerance });
  return s;
}

/**
 * Enter opens the text box; typing goes in once the box has the keyboard (a player waits for the
 * caret). The box takes focus just after the key that opened it, and on a busy machine Chromium
 * delivered the first typed keys before that, to the game: a CI run's question never reached Mira.
 */
export async function openTextBox(page: Page): Promise<void> {
  await page.keyboard.press('Enter');
  await waitForGame(page, (s) => s.talk.typing, 'the text box to open');
  await pollPage(
    page,
    () => document.activeElement?.id === 'talk-input',
    (focused) => focused,
    {
      what: 'the text box to take the keyboard',
      timeout: 10_000,
    },
  );
}

/** Types to the villager the player is at, the way a player does: Enter, the words, Enter. */
export async function typeToNpc(page: Page, text: string): Promise<void> {
  await openTextBox(page);
  await page.keyboard.type(text, { delay: 10 });
  await page.keyboard.press('Enter');
  await waitForGame(page, (s) => !s.talk.typing && s.talk.lastHeard === text, 'the text to be sent');
}

/** Waits until the HUD lists problem `id` (e.g. 'mic-denied') and returns that moment's snapshot. */
export function waitForProblem(page: Page, id: string, timeoutMs = 30_000): Promise<Snapshot> {
  return waitForGame(page, (s) => s.talk.problems.includes(id), `the "${id}" problem`, timeoutMs);
}

/** Waits until villager `id` has said a line starting with `start` (the words of its last response). */
export function waitForSaid(page: Page, id: string, start: string, timeoutMs = 30_000): Promise<Snapshot> {
  return waitForGame(
    page,
    (s) => s.npcs.find((n) => n.id === id)?.said.startsWith(start) ?? false,
    `${id} to say "${start}…"`,
    timeoutMs,
  );
}
