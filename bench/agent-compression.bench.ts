/**
 * Does permessage-deflate pay for the ConvAI traffic? Base64 PCM is most of the bytes, and base64 of
 * audio compresses poorly, while deflate costs CPU on both ends for every frame. This sends the same
 * frames over a real `ws` connection with and without the extension and reports bytes on the wire
 * and CPU per second of audio. The local agent's default (`perMessageDeflate: false`) follows it.
 * Run: npx tsx bench/agent-compression.bench.ts
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { createInlineSpeech, toFrames } from '../plugin/server/speech/index.js';
import { round, writeResult } from './lib/report.js';

const speech = await createInlineSpeech('auto');
const text =
  "Welcome to Mira's Wares, traveller! Healing potions are twenty gold each. A lantern is fifteen gold. " +
  'It is the only light that works in the Whispering Woods, so old Aldric says. Safe travels!';
const synth = await speech.synthesize(text, { engineVoice: 'en-us+f3', rate: 175, pitch: 60 }, 16000);
const audioSeconds = synth.pcm.length / 16000;
const agentFrames = toFrames(synth, 50).map((f, i) =>
  JSON.stringify({
    type: 'audio',
    audio_event: {
      audio_base_64: Buffer.from(f.pcm.buffer, f.pcm.byteOffset, f.pcm.byteLength).toString('base64'),
      event_id: 1 + (i >> 6),
      alignment: f.alignment,
    },
  }),
);
// Microphone direction: speech, and the near-silence an open mic sends most of the time.
const micChunks = (pcm: Int16Array): string[] => {
  const out: string[] = [];
  for (let i = 0; i + 320 <= pcm.length; i += 320) {
    const c = pcm.subarray(i, i + 320);
    out.push(
      JSON.stringify({
        user_audio_chunk: Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('base64'),
      }),
    );
  }
  return out;
};
const micSpeech = micChunks(
  (await speech.synthesize(text, { engineVoice: 'en-us', rate: 175, pitch: 50 }, 16000)).pcm,
);
const quiet = new Int16Array(synth.pcm.length);
for (let i = 0; i < quiet.length; i++) quiet[i] = Math.round((Math.random() - 0.5) * 40); // -60 dBFS noise floor
const micQuiet = micChunks(quiet);
speech.close();

async function measure(deflate: boolean, frames: string[], direction: 'server' | 'client') {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: deflate });
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as AddressInfo).port;
  const serverSide = new Promise<WebSocket>((r) => wss.once('connection', (ws) => r(ws)));
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: deflate });
  await new Promise((r) => client.once('open', r));
  const server = await serverSide;
  const [sender, receiver] = direction === 'server' ? [server, client] : [client, server];
  const socket = (sender as unknown as { _socket: { bytesWritten: number } })._socket;
  let received = 0;
  const done = new Promise<void>((resolve) =>
    receiver.on('message', () => {
      if (++received === frames.length) resolve();
    }),
  );
  const bytes0 = socket.bytesWritten;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const f of frames) sender.send(f);
  await done;
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  const wire = socket.bytesWritten - bytes0;
  client.close();
  await new Promise((r) => wss.close(r));
  const payload = frames.reduce((n, f) => n + Buffer.byteLength(f), 0);
  return {
    payloadBytes: payload,
    wireBytes: wire,
    savedPercent: round((1 - wire / payload) * 100, 1),
    cpuMsPerAudioSecond: round((cpu.user + cpu.system) / 1000 / audioSeconds, 2),
    wallMs: round(wallMs, 1),
  };
}

async function compare(frames: string[], direction: 'server' | 'client') {
  // Warm both paths once (JIT, zlib init), then measure.
  await measure(false, frames, direction);
  await measure(true, frames, direction);
  const off = await measure(false, frames, direction);
  const on = await measure(true, frames, direction);
  return { off, on, extraCpuMsPerAudioSecond: round(on.cpuMsPerAudioSecond - off.cpuMsPerAudioSecond, 2) };
}

const agentAudio = await compare(agentFrames, 'server');
const micSpeechResult = await compare(micSpeech, 'client');
const micQuietResult = await compare(micQuiet, 'client');
const result = {
  audioSeconds: round(audioSeconds, 2),
  agentAudioFrames: agentAudio,
  micSpeech: micSpeechResult,
  micQuiet: micQuietResult,
  decision:
    'perMessageDeflate off by default: it saves a minority of the bytes of base64 audio for several times the CPU, and the local agent runs on loopback/LAN where bytes are cheap and CPU bounds capacity. Pass perMessageDeflate: true to offer it.',
};
writeResult('agent-compression', result, [
  `agent audio frames: deflate saves ${agentAudio.on.savedPercent} % of bytes for +${agentAudio.extraCpuMsPerAudioSecond} ms CPU per audio second (off: ${agentAudio.off.cpuMsPerAudioSecond} ms/s)`,
  `mic speech chunks: saves ${micSpeechResult.on.savedPercent} % for +${micSpeechResult.extraCpuMsPerAudioSecond} ms CPU/s; quiet mic: saves ${micQuietResult.on.savedPercent} % for +${micQuietResult.extraCpuMsPerAudioSecond} ms CPU/s`,
]);
