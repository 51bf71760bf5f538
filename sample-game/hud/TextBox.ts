/**
 * The Enter text box: a real DOM <input> (index.html #talk-box), so typing, IME and paste work as in
 * any web page. Its key-downs stop at the form, so Phaser never sees the player's typing (no walking,
 * no push-to-talk while typing a space). Key-ups go through: a key held when the box opened and let
 * go while typing must be released in the game too, or the player walks on by themselves.
 */
import type { Talk } from '../game/talk.js';

export class TextBox {
  readonly #form: HTMLFormElement | null;
  readonly #input: HTMLInputElement | null;
  readonly #target: HTMLElement | null;
  readonly #stop = (e: KeyboardEvent) => {
    e.stopPropagation();
    this.#keyed = true;
    if (e.type === 'keydown' && e.key === 'Escape') {
      if (this.#input) this.#input.value = ''; // Esc throws the words away; losing focus keeps them
      this.close();
    }
  };
  readonly #submit = (e: SubmitEvent) => {
    e.preventDefault();
    // No key pressed in the box yet: this is the Enter that opened it (see open()), not a send.
    if (!this.#keyed) return;
    const value = this.#input?.value.trim() ?? '';
    this.close();
    // Not sent (nobody listening yet): the words wait in the box for the next Enter.
    this.#draft = value && !this.#onSend(value) ? value : '';
  };
  /** Focus went elsewhere (alt-tab, a click on the page): the words wait for the box to open again. */
  readonly #blur = () => {
    this.#draft = this.#input?.value ?? '';
    this.close();
  };
  /** The limit shown while typing: a long message is never cut without the player seeing it. */
  readonly #count = () => {
    if (!this.#counter || !this.#input) return;
    const n = this.#input.value.length;
    const max = this.#input.maxLength > 0 ? this.#input.maxLength : 300;
    this.#counter.textContent = n >= max ? `${n} / ${max}: full` : `${n} / ${max}`;
    this.#counter.classList.toggle('full', n >= max);
  };
  readonly #counter: HTMLElement | null;
  readonly #talk: Talk;
  readonly #onSend: (text: string) => boolean;
  /** Words the player wrote that have not reached anyone yet (restored when the box opens). */
  #draft = '';
  /** A key went down in the box since it opened. */
  #keyed = false;

  constructor(talk: Talk, onSend: (text: string) => boolean) {
    this.#talk = talk;
    this.#onSend = onSend;
    this.#form = document.querySelector<HTMLFormElement>('#talk-box');
    this.#input = document.querySelector<HTMLInputElement>('#talk-input');
    this.#target = document.querySelector<HTMLElement>('#talk-target');
    this.#counter = document.querySelector<HTMLElement>('#talk-count');
    this.#input?.addEventListener('input', this.#count);
    this.#form?.addEventListener('keydown', this.#stop);
    this.#form?.addEventListener('submit', this.#submit);
    this.#input?.addEventListener('blur', this.#blur);
  }

  open(who: string): void {
    if (!this.#form || !this.#input) return;
    if (this.#target) this.#target.textContent = who;
    this.#form.classList.add('open');
    this.#input.value = this.#draft;
    this.#count();
    this.#talk.typing = true;
    this.#keyed = false;
    // At once, so keys typed right after the box shows (a fast player on a busy page) reach it and
    // not the game. Phaser calls this inside the opening Enter's keydown and prevents that Enter's
    // default only when no modifier is held: with Shift or Alt the Enter's keypress then lands in the
    // input and submits the form, which #submit ignores (its keydown never reached the box).
    this.#input.focus();
  }

  close(): void {
    this.#form?.classList.remove('open');
    this.#talk.typing = false;
    if (document.activeElement === this.#input) this.#input?.blur();
  }

  destroy(): void {
    this.close();
    this.#form?.removeEventListener('keydown', this.#stop);
    this.#form?.removeEventListener('submit', this.#submit);
    this.#input?.removeEventListener('blur', this.#blur);
    this.#input?.removeEventListener('input', this.#count);
  }
}
