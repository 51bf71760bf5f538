// Protocol-codec bench page: the same cases as in Node (bench/lib/codec-cases.ts), timed on the
// browser's main thread, where both clients encode the microphone's chunks and decode the agent's
// audio. The official client's helpers are its own file (not in the package's exports map).
import { oursCodec } from '../../lib/ours-codec.js';
import { runCodecCases, type OfficialCodec, type RoundOptions } from '../../lib/codec-cases.js';

const OFFICIAL_AUDIO = '/node_modules/@elevenlabs/client/dist/utils/audio.js';
const codecBench = {
  async run(o: RoundOptions) {
    const official = (await import(/* @vite-ignore */ OFFICIAL_AUDIO)) as OfficialCodec;
    return runCodecCases(oursCodec, official, o);
  },
};
/** The codec bench page's API: `window.codecBench` (declared in test/types/window.ts). */
export type CodecBench = typeof codecBench;
window.codecBench = codecBench;
window.__ready = true;
