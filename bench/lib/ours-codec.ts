// Our side of the protocol-codec cases, built once for both the Node run and the Chromium page.
import {
  base64ToInt16,
  decodeServerFrame,
  encodeSamples,
  encodeUserAudioChunk,
  int16ToBase64,
  parseAudioFormat,
} from '../../plugin/protocol/index.js';
import type { OursCodec } from './codec-cases.js';

const pcm16 = parseAudioFormat('pcm_16000')!;
const ulaw = parseAudioFormat('ulaw_8000')!;

export const oursCodec: OursCodec = {
  int16ToBase64,
  base64ToInt16,
  micMessage: (s) => encodeUserAudioChunk(encodeSamples(s, pcm16)),
  micMessageUlaw: (s) => encodeUserAudioChunk(encodeSamples(s, ulaw)),
  decodeServerFrame,
};
