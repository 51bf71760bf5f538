import { describe, it, expect } from 'vitest';
import { cleanAgentText, wrapText, visiblePrefix } from '../../plugin/phaser/bubble/text.js';
import { TurnReveal } from '../../plugin/phaser/bubble/reveal.js';
import { layoutBubbles, type BubbleBox, type Placement } from '../../plugin/phaser/bubble/layout.js';
import { bubbleAlpha } from '../../plugin/phaser/bubble/lifetime.js';

/** Monospace measure: 8 px per character. */
const mono = (s: string) => s.length * 8;

describe('bubble text: expressive tags', () => {
  it('never shows a tag as raw text: known tags become emotes at their position, unknown ones vanish', () => {
    const c = cleanAgentText('[laughs] Oh, a potion? [whispers]  It is   twenty gold. [glitches]', 'emote');
    expect(c.text).toBe('Oh, a potion? It is twenty gold.');
    expect(c.text).not.toMatch(/\[|\]/);
    expect(c.emotes.map((e) => [e.tag, e.at])).toEqual([
      ['laughs', 0],
      ['whispers', 'Oh, a potion?'.length],
    ]);
    expect(c.emotes[0]!.glyph).toBe('haha');
    // Every emote is plain ASCII: no emoji font needed on the player's machine.
    for (const tag of ['laughs', 'whispers', 'sighs', 'sad', 'angry', 'happy', 'gasps', 'sings'])
      expect(cleanAgentText(`[${tag}] x`, 'emote').emotes[0]!.glyph, tag).toMatch(/^[\x20-\x7e]+$/);
  });

  it('drop mode removes tags without emotes', () => {
    const c = cleanAgentText('Well [sighs] fine.', 'drop');
    expect(c).toEqual({ text: 'Well fine.', emotes: [] });
  });

  it('leaves ordinary brackets with digits or symbols alone', () => {
    expect(cleanAgentText('Press [1] or [?] now', 'drop').text).toBe('Press [1] or [?] now');
  });
});

describe('bubble text: word wrap', () => {
  it('wraps greedily at spaces within the max width, with any measure', () => {
    const w = wrapText('Healing potions are twenty gold each.', 80, mono); // 10 chars per line
    expect(w.lines).toEqual(['Healing', 'potions', 'are twenty', 'gold each.']);
    for (const line of w.lines) expect(mono(line)).toBeLessThanOrEqual(80);
    // starts index the source, so a revealed prefix never reflows
    expect(w.starts).toEqual([0, 8, 16, 27]);
  });

  it('splits a word wider than a line instead of overflowing', () => {
    const w = wrapText('Abracadabrabra!', 40, mono);
    expect(w.lines).toEqual(['Abrac', 'adabr', 'abra!']);
    expect(w.lines.join('')).toBe('Abracadabrabra!');
  });

  it('respects a proportional measure too', () => {
    const wide = (s: string) => [...s].reduce((n, ch) => n + (ch === 'W' || ch === 'M' ? 14 : 6), 0);
    const w = wrapText('WWW MMM iii', 70, wide);
    expect(w.lines).toEqual(['WWW', 'MMM iii']);
  });

  it('wraps Chinese between characters, never putting closing punctuation first or an opening bracket last', () => {
    const text = '你好，旅行者！欢迎来到月井村。';
    const w = wrapText(text, 40, mono); // 5 characters per line
    expect(w.lines).toEqual(['你好，旅行', '者！欢迎来', '到月井村。']);
    expect(w.lines.join('')).toBe(text);
    const quoted = wrapText('他说：「银月」就是口令。', 40, mono);
    for (const line of quoted.lines) {
      expect(line, quoted.lines.join(' / ')).not.toMatch(/^[，。：！？」』）]/);
      expect(line, quoted.lines.join(' / ')).not.toMatch(/[「『（]$/);
    }
    expect(quoted.lines.join('')).toBe('他说：「银月」就是口令。');
    // Mixed: English words stay whole, Chinese breaks anywhere, starts still index the source.
    const mixed = 'Mira 的 lantern 十五金币一盏。';
    const m = wrapText(mixed, 56, mono);
    for (let i = 0; i < m.lines.length; i++)
      expect(mixed.slice(m.starts[i]!, m.starts[i]! + m.lines[i]!.length)).toBe(m.lines[i]);
    expect(m.lines.some((l) => l.includes('lante') && !l.includes('lantern'))).toBe(false);
  });

  it('reveals a prefix on the final lines: the first word does not jump when the next one appears', () => {
    const text = 'Healing potions are twenty gold each.';
    const w = wrapText(text, 80, mono);
    expect(visiblePrefix(w, 3)).toBe('Hea');
    expect(visiblePrefix(w, 10)).toBe('Healing\npo');
    expect(visiblePrefix(w, text.length)).toBe(w.lines.join('\n'));
    expect(visiblePrefix(w, 0)).toBe('');
  });
});

/** Alignment for a string spoken at a fixed rate, as the server would send it for one chunk. */
function align(s: string, msPerChar: number) {
  const chars = [...s];
  return {
    chars,
    char_start_times_ms: chars.map((_, i) => i * msPerChar),
    char_durations_ms: chars.map(() => msPerChar),
  };
}

describe('bubble reveal: in step with the audio', () => {
  it('follows alignment across chunks (times relative to each chunk)', () => {
    const r = new TurnReveal();
    r.setText('Hello there, traveller.');
    r.addAudio(600, align('Hello there, ', 50)); // 13 chars: 0..600 ms
    r.addAudio(500, align('traveller.', 50)); // starts at 600 ms
    expect(r.visibleAt(0)).toBe(1); // "H" starts at 0
    expect(r.visibleAt(260)).toBe('Hello'.length); // "o" at 200 ms; the space reveals nothing
    expect(r.visibleAt(300)).toBe('Hello t'.length);
    expect(r.visibleAt(620)).toBe('Hello there, t'.length);
    expect(r.visibleAt(5000)).toBe(23);
  });

  it('matches alignment that arrived before the text, and skips tags inside the alignment', () => {
    const r = new TurnReveal();
    r.addAudio(1000, align('[laughs] Oh hi', 50));
    r.setText(cleanAgentText('[laughs] Oh hi', 'emote').text);
    expect(r.visibleAt(0)).toBe(0); // the tag itself takes time but reveals nothing
    expect(r.visibleAt(9 * 50)).toBe(1); // "O" is char 9 of the alignment
    expect(r.visibleAt(13 * 50)).toBe(5);
  });

  it('without alignment spreads the text over the audio, never faster than speech, never backwards', () => {
    const r = new TurnReveal();
    const text = 'x'.repeat(20); // 20 chars => at least 1400 ms at speaking rate
    r.setText(text);
    r.addAudio(100); // the first chunk alone must not reveal everything
    expect(r.visibleAt(90)).toBeLessThan(3);
    r.addAudio(1900); // all 2000 ms arrived
    expect(r.visibleAt(1000)).toBe(10);
    const before = r.visibleAt(1000);
    expect(r.visibleAt(500)).toBe(before); // monotonic
    r.end();
    expect(r.visibleAt(1200)).toBe(20);
  });

  it('after a barge-in shows exactly what was heard, in full', () => {
    const r = new TurnReveal();
    r.setText('Let me tell you the whole history of the forge.');
    r.addAudio(3000, align('Let me tell you the whole history of the forge.', 60));
    expect(r.visibleAt(700)).toBeLessThan(14);
    r.correct('Let me tell you the whole');
    expect(r.visibleAt(700)).toBe('Let me tell you the whole'.length);
    expect(r.length).toBe(25);
  });

  it('text-only turns reveal at reading speed and hold long enough to read', () => {
    const r = new TurnReveal({ readingCps: 20 });
    r.setText('a'.repeat(40));
    expect(r.visibleAt(0)).toBe(0);
    expect(r.visibleAt(1000)).toBe(20);
    expect(r.visibleAt(2500)).toBe(40);
    expect(TurnReveal.holdMs(200)).toBeGreaterThan(TurnReveal.holdMs(10));
  });
});

describe('bubble lifetime', () => {
  it('holds after speech, longer for longer text, then fades to 0', () => {
    expect(bubbleAlpha(0, 30)).toBe(1);
    expect(bubbleAlpha(1500, 30)).toBe(1);
    const hold = 1200 + 30 * 40;
    expect(bubbleAlpha(hold + 200, 30)).toBeCloseTo(0.5, 5);
    expect(bubbleAlpha(hold + 400, 30)).toBe(0);
    expect(bubbleAlpha(hold + 200, 200)).toBe(1);
  });
});

describe('bubble layout', () => {
  const view = { x: 0, y: 0, width: 400, height: 300 };
  const intersects = (a: Placement, ab: BubbleBox, b: Placement, bb: BubbleBox) =>
    a.x < b.x + bb.width && b.x < a.x + ab.width && a.y < b.y + bb.height && b.y < a.y + ab.height;

  it('sits centred above the speaker with the tail pointing down at it', () => {
    const [p] = layoutBubbles([{ anchorX: 200, anchorY: 200, width: 100, height: 40 }], view, { tail: 10 });
    expect(p).toMatchObject({
      x: 150,
      y: 150,
      tipX: 200,
      tipY: 200,
      baseX: 200,
      baseY: 190,
      offscreen: false,
    });
  });

  it('stacks bubbles of nearby speakers without overlap, the lower speaker keeping its spot', () => {
    const boxes: BubbleBox[] = [
      { anchorX: 200, anchorY: 150, width: 120, height: 40 },
      { anchorX: 230, anchorY: 160, width: 120, height: 40 },
      { anchorX: 210, anchorY: 155, width: 120, height: 40 },
    ];
    const out = layoutBubbles(boxes, view);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++)
        expect(intersects(out[i]!, boxes[i]!, out[j]!, boxes[j]!), `${i} vs ${j}`).toBe(false);
    expect(out[1]!.y).toBe(160 - 10 - 40); // lowest anchor: natural spot
    for (const [i, p] of out.entries()) {
      expect(p.tipX).toBe(boxes[i]!.anchorX); // every tail still points at its own speaker
      expect(p.tipY).toBe(boxes[i]!.anchorY);
    }
  });

  it('a stack that hits the top of the view goes below instead of leaving the screen', () => {
    const boxes: BubbleBox[] = [
      { anchorX: 200, anchorY: 60, width: 120, height: 40 },
      { anchorX: 200, anchorY: 58, width: 120, height: 40 },
    ];
    const out = layoutBubbles(boxes, view, { margin: 4 });
    expect(intersects(out[0]!, boxes[0]!, out[1]!, boxes[1]!)).toBe(false);
    for (const p of out) expect(p.y).toBeGreaterThanOrEqual(4);
  });

  it('clamps to the camera edge with the tail pointing off-screen toward the speaker', () => {
    const b = { anchorX: 520, anchorY: 150, width: 100, height: 40 };
    const [p] = layoutBubbles([b], view, { margin: 4 });
    expect(p!.offscreen).toBe(true);
    expect(p!.x + b.width).toBeLessThanOrEqual(396);
    expect(p!.tipX).toBe(396); // at the right edge, the speaker's side
    expect(p!.tipX).toBeGreaterThan(p!.baseX - 1);
    // above the view: bubble at the top, tail pointing up
    const up = { anchorX: 100, anchorY: -80, width: 100, height: 40 };
    const [q] = layoutBubbles([up], view, { margin: 4 });
    expect(q!.y).toBe(4);
    expect(q!.tipY).toBe(4);
    expect(q!.baseY).toBe(4); // tail leaves from the top edge
    expect(q!.offscreen).toBe(true);
  });

  it('keeps out of HUD panels by the smallest step, and still points at its speaker', () => {
    // A problem panel in the top-left corner; the speaker stands just right of it, near the top.
    const panel = { x: 0, y: 0, width: 180, height: 90 };
    const b = { anchorX: 190, anchorY: 100, width: 120, height: 40 };
    const [p] = layoutBubbles([b], view, { avoid: [panel], gap: 4 });
    const clear = (q: Placement, w: number, h: number) =>
      q.x >= panel.x + panel.width ||
      q.x + w <= panel.x ||
      q.y >= panel.y + panel.height ||
      q.y + h <= panel.y;
    expect(clear(p!, b.width, b.height)).toBe(true);
    expect(p!.x).toBe(184); // slid right past the panel rather than dropping onto the speaker
    expect(p!.y).toBe(100 - 10 - 40);
    expect(p!.tipX).toBe(190);
    expect(p!.tipY).toBe(100);
    // Two bubbles and two panels: nothing overlaps anything, everything stays in view.
    const panels = [panel, { x: 300, y: 0, width: 100, height: 120 }];
    const boxes: BubbleBox[] = [
      { anchorX: 200, anchorY: 120, width: 120, height: 40 },
      { anchorX: 220, anchorY: 125, width: 120, height: 40 },
    ];
    const out = layoutBubbles(boxes, view, { avoid: panels, margin: 4 });
    expect(intersects(out[0]!, boxes[0]!, out[1]!, boxes[1]!)).toBe(false);
    for (const [i, q] of out.entries()) {
      for (const r of panels)
        expect(
          q.x >= r.x + r.width || q.x + boxes[i]!.width <= r.x || q.y >= r.y + r.height || q.y + 40 <= r.y,
          `bubble ${i} vs panel at ${r.x}`,
        ).toBe(true);
      expect(q.x).toBeGreaterThanOrEqual(4);
      expect(q.x + boxes[i]!.width).toBeLessThanOrEqual(396);
    }
  });

  it('a panel that fills the view cannot push a bubble off screen', () => {
    const b = { anchorX: 200, anchorY: 150, width: 100, height: 40 };
    const [p] = layoutBubbles([b], view, { avoid: [{ x: -10, y: -10, width: 420, height: 320 }] });
    expect(p!.x).toBe(150);
    expect(p!.y).toBe(100);
  });

  it('works in world coordinates with a scrolled camera', () => {
    const scrolled = { x: 1000, y: 500, width: 400, height: 300 };
    const [p] = layoutBubbles([{ anchorX: 1200, anchorY: 700, width: 100, height: 40 }], scrolled);
    expect(p).toMatchObject({ x: 1150, y: 650, offscreen: false });
  });
});
