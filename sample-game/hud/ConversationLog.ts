/**
 * The conversation log (L) and captions (C), as page elements over the canvas: real text a screen
 * reader reads and the browser scrolls, usable from the keyboard alone (arrows, Page Up/Down,
 * Home/End scroll the focused log; L or Esc closes it). Captions show the line being spoken now.
 */
import type { Talk } from '../game/talk.js';

export class ConversationLog {
  readonly #panel = document.querySelector<HTMLElement>('#talk-log');
  readonly #list = document.querySelector<HTMLOListElement>('#talk-log-lines');
  readonly #captions = document.querySelector<HTMLElement>('#captions');
  #shown = 0;
  #captionText = '';
  readonly #onKey = (e: KeyboardEvent) => {
    // The game does not see key-downs while the log is read (key-ups go through, so a key held when
    // it opened is released in the game too); L and Esc close it.
    e.stopPropagation();
    if (e.type === 'keydown' && (e.key === 'Escape' || e.key === 'l' || e.key === 'L')) {
      e.preventDefault();
      this.close();
    }
  };

  readonly #talk: Talk;
  readonly #placeCaptions: (el: HTMLElement) => void;

  /** `placeCaptions` moves the caption line where it covers nothing (the HUD knows where that is). */
  constructor(talk: Talk, placeCaptions: (el: HTMLElement) => void = () => {}) {
    this.#talk = talk;
    this.#placeCaptions = placeCaptions;
    talk.onLog = () => this.render();
    this.#panel?.addEventListener('keydown', this.#onKey);
  }

  get open(): boolean {
    return this.#panel ? !this.#panel.hidden : false;
  }

  toggle(): void {
    if (this.open) this.close();
    else this.show();
  }

  show(): void {
    if (!this.#panel) return;
    this.#panel.hidden = false;
    this.render();
    this.#panel.focus();
    this.#panel.scrollTop = this.#panel.scrollHeight;
  }

  close(): void {
    if (!this.#panel) return;
    this.#panel.hidden = true;
    this.#panel.blur();
  }

  /** Appends the lines added since the last render (a correction re-renders them all). */
  render(): void {
    const list = this.#list;
    if (!list) return;
    const lines = this.#talk.log;
    if (lines.length < this.#shown || list.children.length !== this.#shown) {
      list.replaceChildren();
      this.#shown = 0;
    }
    // A corrected line changes in place: re-render everything when any text differs.
    for (let i = 0; i < this.#shown; i++) {
      const li = list.children[i] as HTMLLIElement | undefined;
      if (li && li.dataset.text !== lines[i]!.text) {
        list.replaceChildren();
        this.#shown = 0;
        break;
      }
    }
    const atEnd = this.#panel
      ? this.#panel.scrollHeight - this.#panel.scrollTop - this.#panel.clientHeight < 8
      : true;
    for (; this.#shown < lines.length; this.#shown++) {
      const l = lines[this.#shown]!;
      const li = document.createElement('li');
      li.dataset.text = l.text;
      li.className = l.speaker === 'player' ? 'you' : 'npc';
      const who = document.createElement('strong');
      who.textContent = l.speaker === 'player' ? `You to ${l.npc}: ` : `${l.speaker}: `;
      li.append(who, document.createTextNode(l.text));
      list.append(li);
    }
    if (atEnd && this.#panel) this.#panel.scrollTop = this.#panel.scrollHeight;
  }

  /** Captions on or off; returns the new state. */
  toggleCaptions(): boolean {
    if (!this.#captions) return false;
    this.#captions.hidden = !this.#captions.hidden;
    this.replaceCaptions();
    return !this.#captions.hidden;
  }

  /** Per frame: the caption line follows the words as they are spoken. */
  update(): void {
    const c = this.#captions;
    if (!c || c.hidden) return;
    const text = this.#talk.caption ? `${this.#talk.captionSpeaker}: ${this.#talk.caption}` : '';
    if (text === this.#captionText) return;
    this.#captionText = text;
    c.textContent = text;
    if (text) this.#placeCaptions(c);
  }

  /** Place the caption line again (the HUD calls it when the hints under it change, or the window's size). */
  replaceCaptions(): void {
    const c = this.#captions;
    if (c && !c.hidden && this.#captionText) this.#placeCaptions(c);
  }

  destroy(): void {
    this.#talk.onLog = null;
    this.#panel?.removeEventListener('keydown', this.#onKey);
    this.close();
  }
}
