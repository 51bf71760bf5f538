// Protocol-codec bench page: the same cases as in Node (bench/lib/codec-cases.ts), timed on the
// browser's main thread, where both clients encode the microphone's chunks and decode the agent's
// audio. The official client's helpers are its own file (not in the package's exports map).
import {
  base64ToInt16,
  decodeServerFrame,
  encodeSamples,
  encodeUserAudioChunk,
  int16ToBase64,
  parseAudioFormat,
} from '../../../plugin/protocol/index.js';
import { runCodecCases, type OfficialCodec, type RoundOptions } from '../../lib/codec-cases.js';

const OFFICIAL_AUDIO = '/node_modules/@elevenlabs/client/dist/utils/audio.js';
const pcm16 = parseAudioFormat('pcm_16000')!;
const ulaw = parseAudioFormat('ulaw_8000')!;

const w = window as any;
w.__bench = {
  async run(o: RoundOptions) {
    const official = (await import(/* @vite-ignore */ OFFICIAL_AUDIO)) as OfficialCodec;
    return runCodecCases(
      {
        int16ToBase64,
        base64ToInt16,
        micMessage: (s) => encodeUserAudioChunk(encodeSamples(s, pcm16)),
        micMessageUlaw: (s) => encodeUserAudioChunk(encodeSamples(s, ulaw)),
        decodeServerFrame,
      },
      official,
      o,
    );
  },
};
w.__ready = true;
