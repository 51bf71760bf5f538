/**
 * Audio format strings (`pcm_16000`, `ulaw_8000`, …). Both directions use the same closed set; the server announces them in
 * `conversation_initiation_metadata` and the client cannot negotiate them.
 */
export const AUDIO_FORMATS = [
  'pcm_8000',
  'pcm_16000',
  'pcm_22050',
  'pcm_24000',
  'pcm_44100',
  'pcm_48000',
  'ulaw_8000',
] as const;

export type AudioFormat = (typeof AUDIO_FORMATS)[number];

/** Both directions default to this, and older agents omit the input format entirely. */
export const DEFAULT_AUDIO_FORMAT: AudioFormat = 'pcm_16000';

export interface AudioFormatInfo {
  format: AudioFormat;
  /** `pcm`: signed 16-bit little-endian; `ulaw`: G.711 μ-law, one byte per sample. */
  encoding: 'pcm' | 'ulaw';
  sampleRate: number;
  bytesPerSample: 1 | 2;
}

const INFO: ReadonlyMap<string, AudioFormatInfo> = new Map(
  AUDIO_FORMATS.map((format): [string, AudioFormatInfo] => {
    const [encoding, rate] = format.split('_') as ['pcm' | 'ulaw', string];
    return [
      format,
      Object.freeze({
        format,
        encoding,
        sampleRate: Number(rate),
        bytesPerSample: encoding === 'pcm' ? 2 : 1,
      }),
    ];
  }),
);

export function isAudioFormat(value: unknown): value is AudioFormat {
  return typeof value === 'string' && INFO.has(value);
}

/**
 * Parses and validates a format string. Only the published set is accepted: `pcm_12345` matches the
 * `^(pcm|ulaw)_\d+$` pattern the official client checks, but no agent can produce it, so it is
 * rejected here rather than played at a rate nothing was encoded at.
 */
export function parseAudioFormat(value: unknown): AudioFormatInfo | undefined {
  return typeof value === 'string' ? INFO.get(value) : undefined;
}
