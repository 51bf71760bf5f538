// The public shapes of MicCapture: its options, events and modes.
import type { MicError } from './mic-errors.js';

export type MicMode = 'push-to-talk' | 'open' | 'muted';

export interface MicCaptureEvents {
  /** The mic is open and chunks flow. */
  open: () => void;
  /** The mic closed (stop(), or an error); every track is stopped. */
  close: () => void;
  /** A typed failure the game can show; typing still works. The mic is closed when this fires. */
  error: (err: MicError) => void;
  /** Whether the player's speech is being sent (as opposed to silence) changed. */
  talking: (talking: boolean) => void;
}

/** Something that knows whether an NPC is speaking: a VoiceMixer, or any `{ speaking }`. */
export interface EchoGuardSource {
  readonly speaking: boolean;
}

export interface MicCaptureOptions {
  /** Session input rate (from the metadata's user_input_audio_format). Default 16000. */
  sampleRate?: number;
  /** Chunk duration. Default 20 ms (320 samples at 16 kHz). */
  chunkMs?: number;
  /** Default 'push-to-talk'. */
  mode?: MicMode;
  /** Called with every chunk: speech, or zeros while muted / not talking / guarded. */
  onChunk?: ((pcm: Int16Array) => void) | null;
  /**
   * Open-mic echo guard. While `source.speaking` (an NPC voice plays), a chunk is sent only if
   * its RMS reaches `thresholdDb` dBFS (default -30: the player talking over the NPC, while the
   * voice's residue after echo cancellation is typically well below -40), or within `holdMs`
   * (default 400) after one did; otherwise silence is sent. Push-to-talk is never guarded.
   */
  echoGuard?: { source: EchoGuardSource; thresholdDb?: number; holdMs?: number } | null;
  /** A specific input device. */
  deviceId?: string;
  /**
   * Browser voice processing (echo cancellation, noise suppression, auto gain). Default true;
   * turn off only with headphones (then nothing leaks back into the mic).
   */
  voiceProcessing?: boolean;
  /**
   * How the track is read. 'track-processor': MediaStreamTrackProcessor, each 10 ms capture buffer
   * as the browser delivers it, no AudioContext at all (Chrome, Edge). 'worklet': an AudioWorklet
   * on an AudioContext (every browser; see `context`). 'auto' (default): the track processor where
   * the browser has one, the worklet elsewhere or if the processor refuses the track. The track
   * processor skips the FIFO Chrome puts in front of a MediaStreamAudioSourceNode: about 11 ms less
   * mic-to-wire latency, and steadier (bench/audio-latency). But Chrome drops its frames while a busy
   * page keeps the main thread occupied (a game mid-conversation lost 50-80 % of the player's
   * speech that way), so 'auto' moves to the worklet, for the rest of the page's life, when the
   * processor falls behind real time (its frames' lateness grows by 30 % of the wall time over two
   * 0.4 s windows in a row) or drops 60 ms of audio within 5 s. 'track-processor' never moves.
   */
  capture?: 'auto' | 'track-processor' | 'worklet';
  /**
   * With worklet capture: which AudioContext captures. 'howler': Howler's (one context for everything). 'dedicated': a
   * capture-only context at the microphone's own rate. 'auto' (default): dedicated when the mic's
   * rate differs from Howler's context rate, because Chrome then inserts a resampling FIFO in the
   * MediaStream path that costs about one extra chunk of latency (measured ~20 ms in
   * bench/audio-latency); Howler's context otherwise. Either way the worklet resamples to
   * `sampleRate` with our anti-aliasing filter. Falls back to Howler's context if a dedicated one
   * cannot start (autoplay policy).
   */
  context?: 'auto' | 'howler' | 'dedicated';
  /**
   * The PCM passed to onChunk is a pooled buffer reused for a later chunk once the callback
   * returns (zero-copy). Set true if your callback keeps it (e.g. queues it unencoded).
   */
  copyChunks?: boolean;
}
