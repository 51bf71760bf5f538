/**
 * Speaks one agent turn: synthesizes its sentences one at a time and sends `audio` frames paced at
 * real time plus a small lead. Pacing matters twice: the client's buffer stays small, so a barge-in
 * silences the NPC at once, and the time sent tells us what the player has actually heard, which is
 * what `agent_response_correction` reports.
 */
import type { AudioFormatInfo } from '../../protocol/index.js';
import { encodeSamples } from '../../protocol/index.js';
import { SpeechBusyError, type SynthesizeFn } from '../speech/fair-queue.js';
import { spokenPrefix, toFrames, type AudioFrame } from '../speech/frames.js';
import type { VoiceSpec } from '../speech/types.js';

interface SpeakerOptions {
  speech: { synthesize: SynthesizeFn };
  voice: VoiceSpec;
  format: AudioFormatInfo;
  eventId: number;
  frameMs: number;
  /** How far ahead of real time audio may be sent (the client's buffer). */
  leadMs: number;
  /** Sends one encoded frame; returns false when the socket is gone. */
  send(frame: string): boolean;
  /** The speech engine failed mid-turn. */
  onError?(err: unknown): void;
  /** Called with the time (performance.now()) the first frame left. */
  onFirstFrame?(at: number): void;
  /** Bytes the socket has not yet handed to the network; sending waits while it is over `maxBufferedBytes`. */
  buffered?(): number;
  maxBufferedBytes?: number;
  /** How long sending may wait for the client to read before `onStall` (default 10 s). */
  stallMs?: number;
  /** The client stopped reading: this turn ends; the owner closes the socket. */
  onStall?(): void;
}

/** How often a full socket buffer is looked at again. */
const DRAIN_POLL_MS = 20;

interface SpokenSentence {
  text: string;
  charStartMs: Float64Array;
  /** Start of this sentence on the turn's audio timeline. */
  startMs: number;
  durationMs: number;
}

export class Speaker {
  readonly #queue: string[] = [];
  readonly #sentences: SpokenSentence[] = [];
  #ended = false;
  #aborted = false;
  #wake: (() => void) | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #sleepDone: (() => void) | null = null;
  /** Wall-clock origin of the turn's audio timeline (moved forward when the client ran dry). */
  #origin = 0;
  #sentMs = 0;
  #framesSent = 0;
  readonly done: Promise<void>;
  readonly #o: SpeakerOptions;

  constructor(o: SpeakerOptions) {
    this.#o = o;
    // A failed synthesis ends this turn (and, through onError, the conversation), never the process.
    // A refused one (this conversation is flooding the shared engine) only ends this turn's audio.
    this.done = this.#pump().catch((err: unknown) => {
      if (!this.#aborted && !(err instanceof SpeechBusyError)) this.#o.onError?.(err);
      this.#aborted = true;
    });
  }

  enqueue(sentence: string): void {
    if (this.#aborted || this.#ended || !sentence) return;
    this.#queue.push(sentence);
    this.#wake?.();
  }

  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  get hasSentAudio(): boolean {
    return this.#framesSent > 0;
  }

  /** When the client will have played everything sent so far (performance.now() time). */
  get playbackEndsAt(): number {
    return this.#origin + this.#sentMs;
  }

  /** The text heard so far: whole sentences already played plus the words started in the current one. */
  heardText(now = performance.now()): string {
    if (this.#framesSent === 0) return '';
    const played = Math.min(now - this.#origin, this.#sentMs);
    let text = '';
    for (const s of this.#sentences) {
      if (played >= s.startMs + s.durationMs) text += s.text;
      else {
        text += spokenPrefix(s, played - s.startMs);
        break;
      }
    }
    return text.trimEnd();
  }

  /** Stops synthesis and sending at once; returns what the player heard. */
  abort(): string {
    const heard = this.heardText();
    this.#aborted = true;
    this.#sleepDone?.();
    this.#wake?.();
    return heard;
  }

  #nextSentence(): Promise<string | null> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.#aborted) return resolve(null);
        const s = this.#queue.shift();
        if (s !== undefined) return resolve(s);
        if (this.#ended) return resolve(null);
        this.#wake = () => {
          this.#wake = null;
          check();
        };
      };
      check();
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#sleepDone = () => {
        this.#sleepDone = null;
        if (this.#timer) clearTimeout(this.#timer);
        this.#timer = null;
        resolve();
      };
      this.#timer = setTimeout(() => this.#sleepDone?.(), ms);
    });
  }

  async #pump(): Promise<void> {
    let timeline = 0;
    for (;;) {
      const sentence = await this.#nextSentence();
      if (sentence === null) return;
      const synth = await this.#o.speech.synthesize(
        sentence,
        this.#o.voice,
        this.#o.format.sampleRate,
        () => this.#aborted,
      );
      if (this.#aborted) return;
      const frames = toFrames(synth, this.#o.frameMs);
      const durationMs = (synth.pcm.length / synth.sampleRate) * 1000;
      this.#sentences.push({ text: sentence, charStartMs: synth.charStartMs, startMs: timeline, durationMs });
      timeline += durationMs;
      if (!(await this.#sendFrames(frames))) return;
      // Let other conversations run between sentences even when no pacing wait was needed.
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  /**
   * Waits while the socket holds more than `maxBufferedBytes` unsent: wall-clock pacing alone keeps
   * queueing for a client that does not read (134 KB/s at pcm_48000). False when aborted or stalled.
   */
  async #drained(): Promise<boolean> {
    const { buffered, maxBufferedBytes } = this.#o;
    if (!buffered || maxBufferedBytes === undefined || buffered() <= maxBufferedBytes) return true;
    const since = performance.now();
    while (buffered() > maxBufferedBytes) {
      if (performance.now() - since > (this.#o.stallMs ?? 10_000)) {
        this.#aborted = true;
        this.#o.onStall?.();
        return false;
      }
      await this.#sleep(DRAIN_POLL_MS);
      if (this.#aborted) return false;
    }
    return true;
  }

  async #sendFrames(frames: AudioFrame[]): Promise<boolean> {
    for (const frame of frames) {
      if (this.#aborted) return false;
      if (!(await this.#drained())) return false;
      const now = performance.now();
      if (this.#framesSent === 0) {
        this.#origin = now;
      } else if (now > this.#origin + this.#sentMs) {
        // The client ran out of audio and waited: its playback resumes from here.
        this.#origin = now - this.#sentMs;
      }
      const ahead = this.#sentMs - (now - this.#origin);
      if (ahead > this.#o.leadMs) {
        await this.#sleep(ahead - this.#o.leadMs);
        if (this.#aborted) return false;
      }
      const msg = {
        type: 'audio',
        audio_event: {
          audio_base_64: encodeSamples(frame.pcm, this.#o.format),
          event_id: this.#o.eventId,
          alignment: frame.alignment,
        },
      };
      if (!this.#o.send(JSON.stringify(msg))) {
        this.#aborted = true;
        return false;
      }
      if (this.#framesSent === 0) this.#o.onFirstFrame?.(performance.now());
      this.#framesSent++;
      this.#sentMs += frame.durationMs;
    }
    return true;
  }
}
