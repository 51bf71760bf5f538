// The two clients a bench page compares, each opened the way it is used: ours as a game's voice path
// (AgentSession + MicCapture in open mode + a VoiceMixer voice on Howler), the official
// @elevenlabs/client as Conversation.startSession in voice mode over a WebSocket. One client per
// page; instrument.ts must have been imported first, so both are measured by the same hooks.

export type Client = 'ours' | 'official';

/** What our side of a page is left with, for a bench's report. */
export interface Opened {
  /** How the client was driven, in words. */
  glue: string;
  /** Our mic, to report at the end of a run which path it ended on ('auto' may leave the track processor). */
  ourMic: { readonly captureMethod: string | null } | null;
  captureRate: number;
  howlerRate: number;
}

/** Our MicCapture's options a bench may set (from its page's query string). */
export interface OurMicOptions {
  context?: string;
  capture?: string;
  chunkMs?: number;
}

/** Opens `client`'s voice conversation at `wsUrl` (a conversation URL: the official client's signedUrl). */
export async function openClient(client: Client, wsUrl: string, mic: OurMicOptions = {}): Promise<Opened> {
  if (client === 'official') {
    const { Conversation } = await import('@elevenlabs/client');
    await Conversation.startSession({ signedUrl: wsUrl, connectionType: 'websocket' });
    return {
      glue: '@elevenlabs/client Conversation.startSession (websocket)',
      ourMic: null,
      captureRate: 0,
      howlerRate: 0,
    };
  }
  const { Howler } = await import('howler');
  const audio = await import('../../../plugin/audio/index.js');
  const { AgentSession } = await import('../../../plugin/session/index.js');
  Howler.volume(1);
  const bridge = new audio.HowlerBridge(Howler);
  const mixer = new audio.VoiceMixer(bridge);
  const voice = mixer.createVoice();
  const s = new AgentSession({ endpoint: { kind: 'url', url: wsUrl }, reconnect: false });
  s.on('audio', (c) => voice.push(c.pcm, c.sampleRate, c.eventId));
  s.on('interruption', () => voice.flush());
  const info = await s.connect();
  const capture = new audio.MicCapture(bridge, {
    mode: 'open',
    sampleRate: info.inputFormat.sampleRate,
    onChunk: (pcm) => s.sendAudio(pcm),
    context: (mic.context ?? 'auto') as 'auto',
    capture: (mic.capture ?? 'auto') as 'auto',
    ...(mic.chunkMs !== undefined ? { chunkMs: mic.chunkMs } : {}),
  });
  if (!(await capture.start())) throw new Error('mic failed');
  return {
    glue: `AgentSession + MicCapture (${capture.captureMethod})`,
    ourMic: capture,
    captureRate: capture.captureRate,
    howlerRate: Howler.ctx?.sampleRate ?? 0,
  };
}
