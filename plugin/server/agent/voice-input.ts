/**
 * The listening half of a local-agent conversation: microphone chunks through voice activity
 * detection (which decides where a spoken turn ends, so coughs and clicks are not turns) into the
 * recognizer, with partial transcripts on the way. It never invents a transcript: without a
 * recognizer, or when the recognizer hears nothing, the conversation is told so instead.
 *
 * A turn ends after a long silence (the detector's hangover, 600 ms), or at a short pause (350 ms)
 * when what the player said so far is something the NPC would answer: the recognizer decodes what
 * it has (a peek) as soon as it has all the turn will give it (the detector's `onQuiet`, 270 ms
 * into the silence, 90 ms before the pause), and if the brain is sure of them the turn ends at the
 * pause or when the decode is back, whichever is later: a complete question is answered about a
 * quarter of a second sooner than the hangover, and up to 90 ms of the decode overlap the wait for
 * the pause instead of following it. Words that are not
 * enough, or voice coming back, wait for the hangover; the peek's transcript is then used for the
 * turn unless more was said, so nothing is decoded twice.
 */
import {
  isDeclined,
  transcriptOf,
  type Recognition,
  type RecognitionDeclined,
  type RecognizerHints,
  type RecognizerStream,
} from '../speech/recognizer.js';
import type { TurnDetector } from '../speech/vad.js';
import type { AgentRuntime } from './runtime.js';

interface VoiceInputHost {
  /** What the recognizer should listen for (the NPC's phrases), once the conversation started. */
  hints(): RecognizerHints | null;
  nextId(): number;
  partial(text: string, eventId: number): void;
  /** Speech long enough to be a turn started while the NPC may be talking: a barge-in. */
  speechConfirmed(): void;
  /** A spoken turn ended: its transcript, or why there is none. */
  turn(result: SpokenTurn): void | Promise<void>;
  /** Whether a pause may end the turn at all (the brain can judge spoken words; no client recognizer). */
  endsEarly?(): boolean;
  /** Whether these words (or one of their readings), heard before a pause, would be answered (the turn may end there). */
  sure?(text: string, readings?: readonly string[]): boolean;
  crash(err: unknown): void;
}

export type SpokenTurn = (
  | {
      kind: 'heard';
      text: string;
      /** The recognizer's readings of the utterance, best first, when it gave them (n-best). */
      readings?: readonly string[];
      eventId: number;
      endedAt: number;
    }
  /** No recognizer is installed. */
  | { kind: 'no_recognizer' }
  /** The recognizer returned nothing. */
  | { kind: 'not_understood' }
  /** The recognizer could not take the turn (overloaded, audio faster than real time, broke). */
  | { kind: 'busy' }
) & {
  /** Already waited for the client's own words (client-side recognition). */
  late?: boolean;
};

interface Peek {
  stream: RecognizerStream;
  result: Promise<Recognition>;
  sure: boolean;
}

export class VoiceInput {
  readonly #rt: AgentRuntime;
  readonly #host: VoiceInputHost;
  #detector: Promise<TurnDetector> | null = null;
  /** The detector once created: the turn is ended on it synchronously (see #endTurn). */
  #ready: TurnDetector | null = null;
  #stream: RecognizerStream | null = null;
  /**
   * The peek taken in the current stream's silence (`sure`: the brain would answer it, once known);
   * null once voice resumed or the turn ended.
   */
  #early: Peek | null = null;
  /** The current silence has reached the pause length (the turn may end now). */
  #paused = false;
  /** Turns that ended and wait for their transcript: cancelled if the conversation closes. */
  readonly #finishing = new Set<RecognizerStream>();
  #prepared = false;
  #eventId = 0;
  #closed = false;

  constructor(rt: AgentRuntime, host: VoiceInputHost) {
    this.#rt = rt;
    this.#host = host;
  }

  push(pcm: Int16Array): void {
    if (this.#closed) return;
    if (!this.#prepared && this.#rt.recognizer) {
      // The first microphone chunk: have this NPC's grammar loaded before the player's first turn ends.
      const hints = this.#host.hints();
      if (hints) {
        this.#prepared = true;
        this.#rt.recognizer.prepare?.(hints);
      }
    }
    this.#detector ??= this.#rt.createDetector({
      onSpeechStart: () => {
        const hints = this.#host.hints();
        if (!this.#rt.recognizer || !hints) return;
        const id = (this.#eventId = this.#host.nextId());
        this.#stream = this.#rt.recognizer.start(hints, (partial) => this.#host.partial(partial, id), {
          owner: this,
        });
      },
      onSpeechAudio: (frame) => this.#stream?.write(frame),
      onSpeechConfirmed: () => this.#host.speechConfirmed(),
      onDiscard: () => this.#cancel(),
      onQuiet: () => this.#peek(),
      onPause: () => {
        this.#paused = true;
        if (this.#early?.sure) this.#endTurn();
      },
      onResume: () => {
        this.#early = null; // more words follow: the peek does not hold the turn
        this.#paused = false;
      },
      onTurnEnd: () => {
        this.#finish().catch((err: unknown) => this.#host.crash(err));
      },
    });
    this.#detector
      .then((d) => {
        this.#ready = d;
        d.push(pcm);
      })
      .catch((err: unknown) => this.#host.crash(err));
  }

  /**
   * The player has gone quiet: decode what they said, and end the turn at the pause (or when the
   * decode is back, if later) if the NPC would answer it.
   */
  #peek(): void {
    const stream = this.#stream;
    if (!stream?.peek || !this.#host.sure || !this.#host.endsEarly?.()) return;
    // A recognizer whose peek fails has simply not peeked: the turn ends on the silence.
    const result = stream.peek().catch((): RecognitionDeclined => ({ declined: 'failed' }));
    const early: Peek = (this.#early = { stream, result, sure: false });
    void result.then((r) => {
      // Still the same silence of the same turn (no voice since, the hangover has not ended it).
      if (this.#early !== early || this.#stream !== stream || this.#closed) return;
      if (isDeclined(r)) return;
      const { text, alternatives } = transcriptOf(r);
      if (text === '' || !this.#host.sure?.(text, alternatives)) return;
      early.sure = true;
      if (this.#paused) this.#endTurn();
    });
  }

  /**
   * Now, not in a later microtask: chunks that arrived in the same tick are already queued for the
   * detector, and voice among them would otherwise join the turn that is ending (and be lost to
   * the next one), or be taken for more words after the turn had ended on the early decode.
   */
  #endTurn(): void {
    this.#ready?.endTurn();
  }

  async #finish(): Promise<void> {
    const stream = this.#stream;
    const early = this.#early?.stream === stream ? this.#early.result : null;
    this.#stream = null;
    this.#early = null;
    this.#paused = false;
    if (!stream) return this.#host.turn({ kind: 'no_recognizer' });
    const endedAt = performance.now();
    const eventId = this.#eventId;
    this.#finishing.add(stream);
    let result: Recognition;
    try {
      // Nothing was said after the peek: its transcript (or why there is none) is the turn's.
      // Decoding again would repeat the work, and would take the place of a newer turn's decode.
      const peeked = early ? await early : null;
      const failed = peeked !== null && isDeclined(peeked) && peeked.declined === 'failed';
      if (peeked !== null && !failed) {
        result = peeked;
        stream.cancel();
      } else result = await stream.finish();
    } finally {
      this.#finishing.delete(stream);
    }
    if (this.#closed) return;
    if (isDeclined(result)) {
      // A newer turn replaced this one (it gets the answer) or it was withdrawn: nothing to say.
      if (result.declined === 'superseded' || result.declined === 'cancelled') return;
      this.#rt.metrics.spokenTurns.declined++;
      return this.#host.turn({ kind: 'busy' });
    }
    this.#rt.metrics.spokenTurns.decoded++;
    this.#rt.metrics.asrMs.push(performance.now() - endedAt);
    const { text, alternatives } = transcriptOf(result);
    // An empty best reading is the decoder's word that it heard no speech: its runners-up are then
    // readings of noise, and a vote among them could run a tool on a cough. No vote.
    if (!text) return this.#host.turn({ kind: 'not_understood' });
    return this.#host.turn({
      kind: 'heard',
      text,
      ...(alternatives?.length ? { readings: alternatives } : {}),
      eventId,
      endedAt,
    });
  }

  #cancel(): void {
    this.#stream?.cancel();
    this.#stream = null;
    this.#early = null;
    this.#paused = false;
  }

  close(): void {
    this.#closed = true;
    this.#cancel();
    for (const s of this.#finishing) s.cancel();
    this.#finishing.clear();
    this.#detector?.then((d) => d.destroy()).catch(() => {});
  }
}
