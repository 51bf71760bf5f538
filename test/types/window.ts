/**
 * The test API on `window`: every hook a browser test, an end-to-end test or a bench reads or writes
 * through `page.evaluate(...)`, declared once, each with the type of the code that builds it.
 *
 * Convention: a page builds its API as one object, exports its type beside it
 * (`export type AudioLab = typeof lab`), assigns it with `window.lab = lab` (no cast) and sets
 * `window.__ready = true` last; this file declares it with `import type`, so a hook renamed or
 * removed on either side fails `tsc`. A page's API is declared as present (a test reads it only on
 * the page that sets it); the name says whose it is (`lab`, `sessionLab`, `fault`, `latencyBench`…),
 * since two pages may not give one name two shapes. Values a test parks on a page between two
 * `evaluate` calls, and hooks that appear later, are optional. Tests write `window.lab` or
 * `const { lab } = window` inside their callbacks, and never cast `window` to `any`.
 */
import type { AudioLab } from '../browser/pages/audio/lab.js';
import type { SessionLab } from '../browser/pages/session/session.js';
import type { FaultPage, FaultPageConfig } from '../browser/pages/fault/main.js';
import type { PhaserLab, PhaserPageConfig } from '../browser/pages/phaser/main.js';
import type { AudioNodeCounts } from '../browser/pages/fault/instrument.js';
import type { AgentSession } from '../../plugin/session/index.js';
import type { Meter } from '../e2e/helpers/game.js';
import type { GameSnapshot } from '../../sample-game/debug-handle.js';
import type { LatencyBench } from '../../bench/pages/audio/latency.js';
import type { TurnBench } from '../../bench/pages/audio/turn.js';
import type { CodecBench } from '../../bench/pages/codec/codec.js';
import type { FrameCostBench, FrameCostConfig } from '../../bench/pages/frame-cost/frame-cost.js';

/** What the session test collects from one AgentSession's events (`window.got`). */
interface SessionEventLog {
  /** Per audio event: [eventId, sampleRate, ...samples]. */
  audio: number[][];
  responses: string[];
  states: string[];
}

/** A speech recognition result as the Web Speech API delivers it (`onresult`). */
interface RecognitionResultEvent {
  resultIndex: number;
  results: ArrayLike<ArrayLike<{ transcript: string; confidence: number }> & { isFinal: boolean }>;
}

/** The Web Speech API stand-in phaser-plugin-edges.test.ts installs (headless Chromium has no recognition service). */
interface SpeechRecognitionStandIn {
  /** The `lang` of each `start()`. */
  started: string[];
  /** How many times `stop()` (or `abort()`) was called. */
  stopped: number;
  /** The recognizer started last. */
  live: { onresult: ((e: RecognitionResultEvent) => void) | null } | null;
  /** Hands `text` to the live recognizer as a final result. */
  say(text: string): void;
}

declare global {
  interface Window {
    /** Set by a test page once its API is on `window` (every page below). */
    __ready?: true;

    // test/browser/pages/audio: the audio layer's classes, a recorder, signal helpers.
    lab: AudioLab;
    /** A mic session a test keeps between two `evaluate` calls. */
    revokeSession?: Awaited<ReturnType<AudioLab['micSession']>>;

    // test/browser/pages/session: AgentSession and the protocol's PCM helpers.
    sessionLab: SessionLab;
    /** The session a test keeps between `evaluate` calls, and what it heard. */
    session?: AgentSession;
    got?: SessionEventLog;
    /** [attempt, close code] per `reconnecting` event. */
    reconnects?: [number, number | undefined][];

    // test/browser/pages/fault: a Phaser game under network faults, and its AudioNode counter.
    fault: FaultPage;
    /** Set by the test before the page loads (`addInitScript`). */
    faultConfig: FaultPageConfig;
    __audioNodes: AudioNodeCounts;

    // test/browser/pages/phaser: the scene plugin in a Phaser game, one NPC, a player the test moves.
    phaserLab: PhaserLab;
    /** Set by the test (or the bench) before the page loads (`addInitScript`). */
    phaserConfig: PhaserPageConfig;
    /** How many times the scene's create() ran: 1 once the game is up (what a test waits for), 2 after a restart. */
    __creates?: number;
    /** The speech recognition stand-in (`SpeechRecognition`) a test installs before the page loads. */
    __asr?: SpeechRecognitionStandIn;

    // test/browser/pages/hot-reload: which object the game holds for an NPC file.
    /** A random number per page load: unchanged means no full reload happened. */
    __loadId: number;
    /** The object from `onNpcUpdate` is the one the game held (set on the first update). */
    __sameObject?: boolean;
    /** The direct `import` of the file gave the same object as the virtual module. */
    __directIsHeld?: boolean;
    /** Why the directly imported file is a stand-in (null: it is not). */
    __directUnavailable?: string | null;

    // sample-game (test/e2e): the game's read-only snapshot (null until the village is up).
    __game: GameSnapshot | null;
    // test/e2e/helpers: instrumentation the tests add to the game page.
    /** Every microphone stream the page opened (RECORD_STREAMS init script). */
    __streams?: MediaStream[];
    /** The output meter and silence watch (`installMeter`). */
    __meter?: Meter;
    /** ms from the armed key to silence, null if none (`armSilence`). */
    __silence?: Promise<number | null>;
    /** Where the player last moved and when (`walkTo`'s page-side watch). */
    __walk?: { p: number; at: number };
    /** [time sent, ms of audio] per microphone chunk on the wire (voice.test.ts init script). */
    __sentAudio?: [number, number][];
    /** Composition events seen in the talk box (meiling.test.ts). */
    __ime?: string[];

    // bench/pages
    latencyBench: LatencyBench;
    turnBench: TurnBench;
    codecBench: CodecBench;
    frameCostBench: FrameCostBench;
    /** Set by the bench before the page loads (`addInitScript`). */
    frameCostConfig: FrameCostConfig;
  }
}
