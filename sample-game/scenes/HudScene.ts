import * as Phaser from 'phaser';
import { Howler } from 'howler';
import type { ScreenRect } from 'phaser-voice-agents';
import { ITEMS, ITEM_NAMES } from '../game/looks.js';
import { QUEST_STEPS, type GameState } from '../game/state.js';
import type { MicMode, Talk } from '../game/talk.js';
import type { VillageScene } from './VillageScene.js';
import { ShopPanel } from '../hud/ShopPanel.js';
import { hintRow, text } from '../hud/widgets.js';
import { keyHints } from '../hud/key-hints.js';
import { TextBox } from '../hud/TextBox.js';
import { ConversationLog } from '../hud/ConversationLog.js';
import { talkLine } from '../hud/talk-line.js';
import { micBarsLit } from '../hud/mic-meter.js';
import { Announcements } from '../hud/announcements.js';

const VOLUME_KEY = 'thornbury.volume';
const MODE_NAMES: Record<MicMode, string> = { push: 'Push-to-talk', open: 'Open mic', off: 'Mic off' };
/** The HUD runs as its own scene at zoom 1, over the village, so text stays crisp. */
export class HudScene extends Phaser.Scene {
  #talk!: Talk;
  #state!: GameState;
  #village!: VillageScene;
  #micIcon!: Phaser.GameObjects.Image;
  #micBars: Phaser.GameObjects.Rectangle[] = [];
  #micText!: Phaser.GameObjects.Text;
  #npcText!: Phaser.GameObjects.Text;
  #npcDot!: Phaser.GameObjects.Arc;
  #hints?: Phaser.GameObjects.Container;
  #hintKey = '';
  #hintTexts: string[] = [];
  #problems?: Phaser.GameObjects.Container;
  #problemKey = '';
  #inventory!: Phaser.GameObjects.Container;
  #quest!: Phaser.GameObjects.Container;
  #volIcon!: Phaser.GameObjects.Image;
  #volBars: Phaser.GameObjects.Rectangle[] = [];
  #shop: ShopPanel | null = null;
  #textBox!: TextBox;
  #log!: ConversationLog;
  /** Fixed panels (canvas pixels): the microphone status and the volume. */
  #fixedPanels: ScreenRect[] = [];
  /** Made in create(): read before it (the debug handle polls early), the getters say ''. */
  #announce: Announcements | undefined;
  /** When this play began (scene time), for the ending card. */
  #startedAt = 0;

  constructor() {
    super('hud');
  }

  create(): void {
    this.#village = this.scene.get('village') as VillageScene;
    this.#talk = this.registry.get('talk') as Talk;
    this.#state = this.registry.get('state') as GameState;
    this.#shop = null;
    this.#micBars = [];
    this.#volBars = [];
    this.#hintKey = '';
    this.#hintTexts = [];
    this.#problemKey = '';
    const { width } = this.scale;

    // --- top-left: microphone and conversation
    this.add.nineslice(10, 10, 'hud-panel', undefined, 272, 64, 6, 6, 6, 6).setOrigin(0, 0);
    this.#fixedPanels = [{ x: 10, y: 10, width: 272, height: 64 }];
    this.#micIcon = this.add.image(34, 30, 'icons', 0).setScale(2);
    for (let i = 0; i < 10; i++)
      this.#micBars.push(this.add.rectangle(60 + i * 9, 36, 6, 10, 0x4a3b5c).setOrigin(0, 1));
    this.#micText = text(this, 152, 20, '', 13);
    this.#npcDot = this.add.circle(30, 56, 5, 0x6b6478);
    this.#npcText = text(this, 44, 47, '', 14);

    // --- top-right: gold, items, Pip's list
    this.#inventory = this.add.container(width - 12, 14);
    this.#quest = this.add.container(width - 12, 60);

    // --- bottom-right: volume
    const saved = Number(localStorage.getItem(VOLUME_KEY) ?? '0.8');
    Howler.volume(Number.isFinite(saved) ? Phaser.Math.Clamp(saved, 0, 1) : 0.8);
    // top centre: volume (click the speaker to mute, a bar to set, or press - and +)
    const vx = Math.round(width / 2 - 84);
    this.add.nineslice(vx, 10, 'hud-panel', undefined, 168, 42, 6, 6, 6, 6).setOrigin(0, 0);
    this.#fixedPanels.push({ x: vx, y: 10, width: 168, height: 42 });
    this.#volIcon = this.add
      .image(vx + 22, 31, 'icons', 3)
      .setScale(2)
      .setInteractive({ useHandCursor: true });
    this.#volIcon.on('pointerdown', () => this.#setVolume(Howler.volume() > 0 ? 0 : 0.8));
    for (let i = 0; i < 8; i++) {
      const bar = this.add
        .rectangle(vx + 46 + i * 12, 41, 9, 6 + i * 2, 0x4a3b5c)
        .setOrigin(0, 1)
        .setInteractive({ useHandCursor: true });
      bar.on('pointerdown', () => this.#setVolume((i + 1) / 8));
      this.#volBars.push(bar);
    }

    this.#startedAt = this.time.now;
    this.#announce = new Announcements(this);
    this.#textBox = new TextBox(this.#talk, (t) => this.#talk.controls?.sendText(t) ?? false);
    this.#log = new ConversationLog(this.#talk, (el) => this.#placeCaptions(el));
    const onResize = () => this.#log.replaceCaptions();
    this.scale.on(Phaser.Scale.Events.RESIZE, onResize);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () =>
      this.scale.off(Phaser.Scale.Events.RESIZE, onResize),
    );
    this.#bindKeys();
    this.#state.on('toast', this.#toast, this);
    this.#state.on('quest', this.#onQuest, this);
    this.#state.on('changed', this.#refreshInventory, this);
    this.#state.on('shop', this.#onShop, this);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      this.#state.off('shop', this.#onShop, this);
      this.#state.off('toast', this.#toast, this);
      this.#state.off('quest', this.#onQuest, this);
      this.#state.off('changed', this.#refreshInventory, this);
      this.#textBox.destroy();
      this.#log.destroy();
    });
    this.#refreshInventory();
  }

  #bindKeys(): void {
    const kb = this.input.keyboard!;
    const K = Phaser.Input.Keyboard.KeyCodes;
    const ready = () => this.#village.started && !this.#talk.typing;
    kb.addKey(K.SPACE).on('down', () => ready() && this.#talk.controls?.pushToTalk(true));
    kb.addKey(K.SPACE).on('up', () => this.#talk.controls?.pushToTalk(false));
    kb.addKey(K.M).on('down', () => ready() && this.#talk.controls?.toggleMicMode());
    kb.addKey(K.ENTER).on('down', () => {
      if (!ready() || this.#shop?.open) return;
      const who = this.#talk.target ?? this.#talk.nearby;
      // Nobody near: say so, instead of a text box whose words would go nowhere.
      if (!who) return this.#state.emit('toast', 'Walk up to a villager to talk', 'letter');
      this.#textBox.open(who.name);
    });
    kb.addKey(K.ESC).on('down', () => {
      if (this.#shop?.open) {
        this.#shop.destroy();
        this.registry.set('panelOpen', false);
      } else if (ready()) this.#talk.controls?.skip();
    });
    kb.addKey(K.BACKTICK).on('down', () => ready() && this.#talk.controls?.toggleDebug());
    // L: the conversation log (focus moves into it; L or Esc there closes it). C: captions.
    kb.addKey(K.L).on('down', () => ready() && this.#log.toggle());
    kb.addKey(K.C).on('down', () => {
      if (!ready()) return;
      const on = this.#log.toggleCaptions();
      this.#state.emit('toast', on ? 'Captions on (C turns them off)' : 'Captions off', 'letter');
    });
    // '-' and '=' (the '+' key without Shift) step the volume by an eighth.
    kb.addKey(K.MINUS).on('down', () => ready() && this.#setVolume(Howler.volume() - 0.125));
    kb.addKey(K.PLUS).on('down', () => ready() && this.#setVolume(Howler.volume() + 0.125));
  }

  #setVolume(v: number): void {
    const vol = Phaser.Math.Clamp(Math.round(v * 8) / 8, 0, 1);
    Howler.volume(vol);
    localStorage.setItem(VOLUME_KEY, String(vol));
  }

  #onShop(title: string): void {
    this.#shop?.destroy();
    this.#shop = new ShopPanel(this, this.#state, title);
    this.registry.set('panelOpen', true);
  }

  get shopOpen(): boolean {
    return !!this.#shop?.open;
  }

  override update(): void {
    const t = this.#talk;
    this.#log.update();
    if (this.#shop && !this.#shop.open) {
      this.#shop = null;
      this.registry.set('panelOpen', false);
    }
    // microphone
    const missing = t.problems.has('mic-missing');
    const denied = t.problems.has('mic-denied') || missing;
    this.#micIcon.setFrame(denied || !t.micOpen ? 0 : t.micLive ? 2 : 1);
    const lit = t.micLive ? micBarsLit(t.micLevel, this.#micBars.length) : 0;
    this.#micBars.forEach((b, i) =>
      b.setFillStyle(i < lit ? (i < 6 ? 0x7fd06a : i < 8 ? 0xf4d35e : 0xd8453d) : 0x4a3b5c),
    );
    const mode = MODE_NAMES[t.micMode];
    this.#micText.setText(
      t.micMode === 'off'
        ? mode
        : missing
          ? 'No mic'
          : denied
            ? 'Mic blocked'
            : t.micLive
              ? `${mode}: on`
              : mode,
    );
    // conversation
    const who = t.target;
    const colors: Record<string, number> = {
      connecting: 0xf4d35e,
      queued: 0xc678dd,
      ready: 0x7fb2f0,
      listening: 0x7fd06a,
      speaking: 0xf08a5d,
    };
    this.#npcDot.setFillStyle(who ? (colors[t.npcState] ?? 0x6b6478) : 0x6b6478);
    this.#npcText.setText(talkLine(who, t.npcState));
    // volume
    const vol = Howler.volume();
    this.#volIcon.setFrame(vol === 0 ? 4 : 3);
    this.#volBars.forEach((b, i) => b.setFillStyle(i < Math.round(vol * 8) ? 0xf3ead6 : 0x4a3b5c));

    this.#updateHints();
    this.#updateProblems();
  }

  #updateHints(): void {
    const hints = keyHints(this.#talk, this.#village.started, !!this.#shop?.open);
    const key = JSON.stringify(hints);
    if (key === this.#hintKey) return;
    this.#hintKey = key;
    this.#hintTexts = hints.map((h) => `${h.keys.join('')}: ${h.text}`);
    this.#hints?.destroy();
    this.#hints = hints.length
      ? hintRow(this, this.scale.width / 2, this.scale.height - 40, hints)
      : undefined;
    this.#log.replaceCaptions();
  }

  /**
   * Captions sit just above the key hints (page pixels, from where the canvas is and how it is
   * scaled), so a player reading them still sees what the keys do.
   */
  #placeCaptions(el: HTMLElement): void {
    const r = this.game.canvas.getBoundingClientRect();
    const k = r.height / this.scale.height;
    const above = (this.#hints ? this.#hints.getBounds().y : this.scale.height) - 6;
    el.style.bottom = `${Math.max(0, Math.round(window.innerHeight - (r.top + above * k)))}px`;
  }

  /** The key hints shown now, as "keys: what". */
  get hintTexts(): readonly string[] {
    return this.#hintTexts;
  }

  /** The ending card's text while it is up, or ''. */
  get endingShown(): string {
    return this.#announce?.endingShown ?? '';
  }

  /** The centre banner (e.g. quest complete) once it has fully faded in, or ''. */
  get bannerShown(): string {
    return this.#announce?.bannerShown ?? '';
  }

  #toast(message: string, icon?: string): void {
    this.#announce?.toast(message, icon);
  }

  #onQuest(step: string): void {
    if (step !== 'moonwell') return;
    this.#announce?.banner('Quest complete: the Moonwell glows again');
    // The ending: once the banner has had its moment, a card says what the traveller did.
    this.time.delayedCall(4800, () => {
      const minutes = Math.max(1, Math.round((this.time.now - this.#startedAt) / 60000));
      this.#announce?.ending(
        minutes,
        () => this.#talk.typing,
        () => {
          // A fresh village (it launches a fresh HUD): quest, items and every conversation start over.
          this.scene.get('village').scene.restart();
          this.scene.stop();
        },
      );
    });
  }

  /** Where the HUD covers the world, for the plugin's `bubbleAvoid`: speech bubbles stay clear. */
  panelRects(): ScreenRect[] {
    const rects = [...this.#fixedPanels];
    // The shop opens over the middle of the screen, where the shopkeeper stands: her words go beside it.
    if (this.#shop?.open) rects.push(this.#shop.rect);
    for (const c of [this.#problems, this.#quest, this.#inventory, this.#hints]) {
      if (!c?.visible || c.length === 0) continue;
      const b = c.getBounds();
      rects.push({ x: b.x, y: b.y, width: b.width, height: b.height });
    }
    return rects;
  }

  #updateProblems(): void {
    // With the mic off by choice, what keeps the mic from working is beside the point until it is on.
    const off = this.#talk.micMode === 'off';
    const list = [...this.#talk.problems.values()].filter((p) => !(off && p.id.startsWith('mic-')));
    const key = JSON.stringify(list);
    if (key === this.#problemKey) return;
    this.#problemKey = key;
    this.#problems?.destroy();
    this.#problems = undefined;
    if (!list.length) return;
    // Under the microphone panel: problems are about talking, so they sit with its status.
    const c = this.add.container(200, 80);
    let y = 0;
    for (const p of list) {
      const title = text(this, -152, y + 8, p.title, 15, '#ffd9a8', {
        fontStyle: 'bold',
        wordWrap: { width: 330 },
      });
      const action = text(this, -152, y + 10 + title.height, p.action, 13, '#f3ead6', {
        wordWrap: { width: 330 },
      });
      const h = title.height + action.height + 20;
      const bg = this.add.nineslice(-190, y, 'hud-panel', undefined, 380, h, 6, 6, 6, 6).setOrigin(0, 0);
      const icon = this.add.image(-170, y + 20, 'icons', 6).setScale(2);
      c.add([bg, icon, title, action]);
      y += h + 6;
    }
    c.setName('problems');
    this.#problems = c;
  }

  #refreshInventory(): void {
    const { width } = this.scale;
    this.#inventory.removeAll(true);
    const entries: [string, number][] = [
      ['coin', this.#state.gold],
      ...[...this.#state.items].filter(([, n]) => n > 0),
    ];
    let x = 0;
    for (const [item, n] of entries.reverse()) {
      const label = text(this, x, 6, String(n), 14).setOrigin(1, 0);
      x -= label.width + 2;
      const icon = this.add.image(x - 14, 16, 'items', ITEMS.indexOf(item)).setScale(2);
      icon.setName(item);
      this.#inventory.add([label, icon]);
      x -= 40;
    }
    const bg = this.add.nineslice(x + 6, 0, 'hud-panel', undefined, -x + 2, 36, 6, 6, 6, 6).setOrigin(0, 0);
    this.#inventory.addAt(bg, 0);
    this.#inventory.setX(width - 14);

    this.#quest.removeAll(true);
    const lines = QUEST_STEPS.map((s) => `${this.#state.done.has(s.id) ? '☑' : '☐'} ${s.text}`);
    // Plain characters: a desktop without an emoji font showed the alarm-clock emoji as a box.
    for (const r of this.#state.reminders) lines.push(`• ${r}`);
    const title = text(this, -12, 8, "Pip's list", 14, '#f4d35e', { fontStyle: 'bold' }).setOrigin(1, 0);
    const body = text(this, -12, 30, lines.join('\n'), 13, '#f3ead6', {
      lineSpacing: 4,
      align: 'left',
    }).setOrigin(1, 0);
    const w = Math.max(title.width, body.width) + 26;
    const qbg = this.add
      .nineslice(-w, 0, 'hud-panel', undefined, w, body.height + 40, 6, 6, 6, 6)
      .setOrigin(0, 0);
    this.#quest.add([qbg, title, body]);
    void ITEM_NAMES;
  }
}
