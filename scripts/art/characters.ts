/**
 * Character sprite sheets: 16x24 frames, rows = down, left, right, up; columns = stand, step A,
 * step B, blink, talk (mouth open). Every look shares one body (ASCII templates below) and adds
 * its own overlays (apron, clipboard, robe and hat...), so the cast reads as one consistent style.
 */
import { Canvas, hex, type RGBA } from './canvas.js';

export const FRAME_W = 16;
export const FRAME_H = 24;
export const DIRS = ['down', 'left', 'right', 'up'] as const;
export const FRAMES = ['stand', 'stepA', 'stepB', 'blink', 'talk'] as const;
type Dir = 'down' | 'up' | 'right';
type Frame = (typeof FRAMES)[number];
type Grid = string[][];

// Template rows are frame rows 5..23 (the 5 rows above are room for hats and buns).
const HEAD: Record<Dir, string[]> = {
  down: [
    '.....oooooo.....',
    '....ohhhhhho....',
    '...ohhhhhhhho...',
    '...ohhhhhhhHo...',
    '...ohhsssshHo...',
    '...ohssssssHo...',
    '...ossessesso...',
    '...ossessesso...',
    '...oSsrssrsSo...',
    '....oSSSSSSo....',
  ],
  up: [
    '.....oooooo.....',
    '....ohhhhhho....',
    '...ohhhhhhhho...',
    '...ohhhhhhhho...',
    '...ohhhhhhhho...',
    '...ohhhhhhhHo...',
    '...oHhhhhhhHo...',
    '...oHhhhhhHHo...',
    '...oHHhhhhHHo...',
    '....oHHHHHHo....',
  ],
  right: [
    '.....oooooo.....',
    '....ohhhhhho....',
    '...ohhhhhhhho...',
    '...ohhhhhhhho...',
    '...ohhhhhhsso...',
    '...ohhhhhssso...',
    '...oHhhhsseso...',
    '...oHhhhsseso...',
    '...oHHhssssro...',
    '....oHSSSSSo....',
  ],
};

const BODY: Record<Dir, string[]> = {
  down: ['...occcccccco...', '..ocCccccccCco..', '..ocCccccccCco..', '..osCccccccCso..', '..ooppppppppoo..'],
  up: ['...occcccccco...', '..ocCccccccCco..', '..ocCccccccCco..', '..osCccccccCso..', '..ooppppppppoo..'],
  right: ['....occcccco....', '....occCccco....', '....occCccco....', '....occsccco....', '....oppppppo....'],
};

const LEGS: Record<Dir, Record<'stand' | 'stepA' | 'stepB', string[]>> = {
  down: {
    stand: ['....oppooppo....', '....oppooppo....', '....obboobbo....', '....oooooooo....'],
    stepA: ['....oppooppo....', '....oppoobbo....', '....obbooooo....', '....oooo........'],
    stepB: ['....oppooppo....', '....obbooppo....', '....ooooobbo....', '........oooo....'],
  },
  up: {
    stand: ['....oppooppo....', '....oppooppo....', '....obboobbo....', '....oooooooo....'],
    stepA: ['....oppooppo....', '....oppoobbo....', '....obbooooo....', '....oooo........'],
    stepB: ['....oppooppo....', '....obbooppo....', '....ooooobbo....', '........oooo....'],
  },
  right: {
    stand: ['.....oppppo.....', '.....oppppo.....', '.....obbbbbo....', '.....ooooooo....'],
    stepA: ['....oPPPoppo....', '...oPPo..oppo...', '...obbo..obbbo..', '...oooo..ooooo..'],
    stepB: ['....opppoPPo....', '...oppo..oPPo...', '...obbo..obbbo..', '...oooo..ooooo..'],
  },
};

function baseGrid(dir: Dir, frame: Frame): Grid {
  const legKey = frame === 'stepA' || frame === 'stepB' ? frame : 'stand';
  const rows = [
    ...Array.from({ length: 5 }, () => '.'.repeat(16)),
    ...HEAD[dir],
    ...BODY[dir],
    ...LEGS[dir][legKey],
  ];
  if (rows.length !== FRAME_H) throw new Error(`template ${dir} has ${rows.length} rows`);
  const grid = rows.map((r) => {
    if (r.length !== FRAME_W) throw new Error(`template row "${r}" is ${r.length} wide`);
    return r.split('');
  });
  // Arms swing in the side view: the hand moves forward or back with the step.
  if (dir === 'right' && frame === 'stepA') {
    grid[18]![7] = 'c';
    grid[18]![8] = 's';
  }
  if (dir === 'right' && frame === 'stepB') {
    grid[18]![7] = 'c';
    grid[18]![6] = 's';
  }
  if (frame === 'blink') {
    for (const row of [11, 12])
      for (let x = 0; x < 16; x++) if (grid[row]![x] === 'e') grid[row]![x] = row === 11 ? 's' : 'e';
  }
  if (frame === 'talk') {
    if (dir === 'down') {
      grid[13]![7] = 'm';
      grid[13]![8] = 'm';
    } else if (dir === 'right') grid[13]![11] = 'm';
  }
  return grid;
}

/** Pastes ASCII over a grid at (x, y): '.' keeps, '_' clears, anything else replaces. */
export function put(grid: Grid, x: number, y: number, patch: string[]): void {
  patch.forEach((row, j) => {
    for (let i = 0; i < row.length; i++) {
      const ch = row[i]!;
      if (ch === '.') continue;
      const r = grid[y + j];
      if (!r || x + i < 0 || x + i >= r.length) continue;
      r[x + i] = ch === '_' ? '.' : ch;
    }
  });
}

export interface Look {
  name: string;
  pal: Record<string, string>;
  /** Overlays drawn on the grid for a direction ('right' is mirrored for 'left'). */
  mods?: (dir: Dir, frame: Frame, g: Grid) => void;
}

const OUTLINE = '#2b1d2f';
const BASE_PAL: Record<string, string> = {
  o: OUTLINE,
  e: '#2b1d2f',
  m: '#8a3340',
  r: '#f0a08c',
  w: '#ffffff',
};

function renderFrame(look: Look, dir: Dir, frame: Frame): Grid {
  const g = baseGrid(dir, frame);
  look.mods?.(dir, frame, g);
  return g;
}

export function characterSheet(look: Look): Canvas {
  const c = new Canvas(FRAME_W * FRAMES.length, FRAME_H * DIRS.length);
  const pal: Record<string, RGBA> = {};
  for (const [k, v] of Object.entries({ ...BASE_PAL, ...look.pal })) pal[k] = hex(v);
  DIRS.forEach((d, row) => {
    FRAMES.forEach((f, col) => {
      const dir: Dir = d === 'left' ? 'right' : d;
      const g = renderFrame(look, dir, f);
      c.stamp(
        col * FRAME_W,
        row * FRAME_H,
        g.map((r) => r.join('')),
        pal,
        d === 'left',
      );
    });
  });
  return c;
}

const SKIN_LIGHT = { s: '#f6cfa6', S: '#dea37c' };
const SKIN_MID = { s: '#d9a277', S: '#b27a55' };
const SKIN_DARK = { s: '#a8704d', S: '#845239' };

export const LOOKS: Look[] = [
  {
    name: 'player',
    pal: {
      ...SKIN_LIGHT,
      h: '#7a4a2a',
      H: '#55311c',
      c: '#3f86d6',
      C: '#2c619f',
      p: '#5c4a3d',
      P: '#3e3129',
      b: '#3a2a22',
      k: '#d8453d',
      K: '#a82f2c',
    },
    mods: (dir, _f, g) => {
      // A red scarf so the hero stands out in any crowd.
      if (dir === 'down') put(g, 4, 15, ['kkKkkkkk']);
      if (dir === 'up') put(g, 4, 15, ['KKKKKKKK']);
      if (dir === 'right') {
        put(g, 5, 15, ['kkkkkK']);
        put(g, 4, 16, ['K']);
      }
    },
  },
  {
    name: 'shopkeeper',
    pal: {
      ...SKIN_LIGHT,
      h: '#c25b2e',
      H: '#8e3d1d',
      c: '#4f9d5b',
      C: '#3a7645',
      p: '#3a7645',
      P: '#2c5a35',
      b: '#5a3a2a',
      a: '#f4ead0',
      A: '#d4c49c',
    },
    mods: (dir, _f, g) => {
      // Hair bun on top and a cream apron with straps.
      put(g, 6, 3, ['.oooo.', 'ohhhHo']);
      if (dir === 'down') {
        put(g, 5, 15, ['a....a', 'aaaaaa', 'aaaaaa', 'AaaaaA', 'aaaaaa']);
        put(g, 5, 19, ['AaaaaA']);
      }
      if (dir === 'up') put(g, 4, 16, ['..AAAA..']);
      if (dir === 'right') put(g, 9, 16, ['aa', 'aa', 'aa', 'Aa']);
    },
  },
  {
    name: 'assistant',
    pal: {
      ...SKIN_MID,
      h: '#2f2a3d',
      H: '#1d1a28',
      c: '#3b4f86',
      C: '#2b3a66',
      p: '#3a3a4a',
      P: '#28283a',
      b: '#1f1f2a',
      g: '#e0e6ef',
      t: '#f2f2ea',
      T: '#c9c9c0',
      d: '#9a6a3e',
      D: '#6e4a2a',
      x: '#d8453d',
    },
    mods: (dir, _f, g) => {
      // White shirt collar, glasses and a clipboard held at the chest.
      if (dir === 'down') {
        put(g, 6, 15, ['tTTt']);
        put(g, 5, 11, ['geggeg']);
        put(g, 8, 16, ['oooooo', 'oDddDo', 'otttto', 'oTTTTo', 'otxtto', 'oooooo']);
      }
      if (dir === 'up') put(g, 4, 15, ['..tttt..']);
      if (dir === 'right') {
        put(g, 9, 11, ['ggo']);
        put(g, 9, 16, ['oooo', 'dtto', 'dTTo', 'dtto', 'oooo']);
      }
    },
  },
  {
    name: 'wizard',
    pal: {
      ...SKIN_LIGHT,
      h: '#c9c9d6',
      H: '#9d9db0',
      c: '#6b4bb0',
      C: '#4d3484',
      p: '#6b4bb0',
      P: '#4d3484',
      b: '#3a2a50',
      x: '#5a3d9a',
      X: '#3f2a70',
      y: '#f4d35e',
      W: '#f2f2f6',
      V: '#c8c8d6',
    },
    mods: (dir, f, g) => {
      // A tall pointy hat with a star, a long white beard and a robe down to the ground.
      const hat =
        dir === 'right'
          ? [
              '.....oo.........',
              '....oxxo........',
              '....oxxxo.......',
              '...oxxyxxo......',
              '...oxxxxxxo.....',
              '..oxxxxxxxxo....',
              'ooxxxxxxxxxxooo.',
              'oXXXXXXXXXXXXXo.',
              '.oooooooooooooo.',
            ]
          : [
              '........oo......',
              '.......oxxo.....',
              '......oxxxo.....',
              '......oxyxxo....',
              '.....oxxxxxo....',
              '....oxxxxxxxo...',
              '.ooxxxxxxxxxxoo.',
              'oXXXXXXXXXXXXXXo',
              '.oooooooooooooo.',
            ];
      put(g, 0, 0, hat);
      if (dir === 'down') {
        put(g, 4, 13, ['oWWWWWWo', 'oWWWWWWo', '.oWWWWo.', '.oWVVWo.', '..oVVo..', '...oo...']);
        if (f === 'talk') put(g, 7, 13, ['mm']);
      }
      if (dir === 'right') put(g, 9, 13, ['WWWo', 'WWWo', 'VWo.', 'Vo..']);
      const robe =
        dir === 'right'
          ? [
              '...occcccco.....',
              '...occcccco.....',
              '...oCcccccco....',
              '...oCccccccco...',
              '...ooooooooooo..',
            ]
          : [
              '..occcccccccco..',
              '..occcccccccco..',
              '..oCccccccccCo..',
              '.oCcccccccccccCo',
              '.oooooooooooooo.',
            ];
      put(g, 0, 19, robe);
      if (f === 'stepA') put(g, dir === 'right' ? 9 : 4, 23, ['obbo']);
      if (f === 'stepB') put(g, dir === 'right' ? 3 : 8, 23, ['obbo']);
    },
  },
  {
    name: 'warden',
    pal: {
      ...SKIN_DARK,
      h: '#3a2a22',
      H: '#2a1d18',
      c: '#b8443c',
      C: '#8a2f2a',
      p: '#5a5f6e',
      P: '#40444f',
      b: '#2e2e38',
      i: '#b9c2cf',
      k: '#c8602e',
      K: '#94401d',
      I: '#7f8899',
      y: '#f4d35e',
    },
    mods: (dir, _f, g) => {
      // Steel helmet, a red braid and a gold buckle.
      if (dir === 'up') put(g, 7, 15, ['kk', 'kK', 'kk', 'Ko']);
      if (dir === 'right') put(g, 3, 14, ['k', 'K', 'k']);
      if (dir === 'down') {
        put(g, 4, 5, ['oooooooo', 'iiiiiiii', 'iIiiiiIi', 'IIIIIIII']);
        for (const y of [6, 7, 8]) {
          put(g, 3, y, ['o']);
          put(g, 12, y, ['o']);
        }
        put(g, 7, 19, ['yy']);
      }
      if (dir === 'up') put(g, 4, 5, ['oooooooo', 'iiiiiiii', 'iiiiiiii', 'iIiiiiIi', 'IIIIIIII']);
      if (dir === 'right') {
        put(g, 4, 5, ['oooooooo', 'iiiiiiii', 'iiiiiiIi', 'IIIIIIII']);
        put(g, 11, 9, ['I']);
      }
    },
  },
  {
    name: 'farmer',
    pal: {
      ...SKIN_MID,
      h: '#d9b25a',
      H: '#b08a3a',
      c: '#e7dcc4',
      C: '#c6b896',
      p: '#4a6fa5',
      P: '#36527c',
      b: '#5a3a2a',
      z: '#e8c66a',
      Z: '#b8923e',
    },
    mods: (dir, _f, g) => {
      // A wide straw hat and blue overalls.
      put(g, 0, 3, [
        '....oooooooo....',
        '...ozzzzzzzzo...',
        '.oozzzzzzzzzzoo.',
        'oZZZZZZZZZZZZZZo',
        '.oooooooooooooo.',
      ]);
      if (dir !== 'up') put(g, dir === 'right' ? 5 : 5, 17, dir === 'right' ? ['pppp'] : ['pppppp']);
      if (dir === 'down') put(g, 5, 15, ['p....p', 'p....p']);
    },
  },
];
