import WebSocket from 'ws';
import { AgentSession } from '../../plugin/session/index.js';
import type { EndReason } from '../../plugin/protocol/index.js';
import { int16ToBase64 } from '../../plugin/protocol/index.js';
import { Conversation } from '../../plugin/phaser/conversation.js';
import type {
  ConversationBubble,
  ConversationInputs,
  ConversationVoice,
} from '../../plugin/phaser/conversation-parts.js';
import type { NpcVoiceEvents } from '../../plugin/audio/index.js';
import type { ToolHandler } from '../../plugin/phaser/events.js';
import type { ScriptedServer, ServerConnection } from '../helpers/scripted-server.js';

// One conversation's glue (session events -> voice, bubble and NPC events), with a real AgentSession
// over a real `ws` connection to a scripted server. The voice and the bubble are recorders: what
// they are asked to do is what the player would hear and read. They implement the parts of NpcVoice
// and SpeechBubble the conversation uses (picked from the real classes), so a renamed member breaks
// the build here instead of leaving a stand-in that no longer matches.

class RecVoice implements ConversationVoice {
  pushes: { samples: number; turn: number }[] = [];
  flushes = 0;
  turnId = -1;
  playbackPositionMs = 0;
  mode: 'speaking' | 'listening' = 'listening';
  level = 0;
  disposed = false;
  position = { x: 0, y: 0 };
  readonly #fns = new Map<keyof NpcVoiceEvents, ((...a: never[]) => void)[]>();
  on<K extends keyof NpcVoiceEvents>(e: K, fn: NpcVoiceEvents[K]) {
    this.#fns.set(e, [...(this.#fns.get(e) ?? []), fn]);
    return () =>
      this.#fns.set(
        e,
        (this.#fns.get(e) ?? []).filter((f) => f !== fn),
      );
  }
  fire<K extends keyof NpcVoiceEvents>(e: K, ...a: Parameters<NpcVoiceEvents[K]>) {
    for (const f of this.#fns.get(e) ?? []) (f as (...args: typeof a) => void)(...a);
  }
  listeners() {
    return [...this.#fns.values()].reduce((n, l) => n + l.length, 0);
  }
  push(pcm: Int16Array, _rate: number, turn = -1) {
    this.pushes.push({ samples: pcm.length, turn });
  }
  flush() {
    this.flushes++;
  }
  restarts = 0;
  restart() {
    this.restarts++;
  }
  setPosition(x: number, y: number) {
    this.position = { x, y };
  }
  dispose() {
    this.disposed = true;
  }
}

export class RecBubble implements ConversationBubble {
  turnId = -1;
  shown: string[] = [];
  corrected: string[] = [];
  cuts: number[] = [];
  ended = 0;
  show(text: string, _now: number, o: { turnId?: number }) {
    this.turnId = o.turnId ?? -1;
    this.shown.push(text);
  }
  correct(text: string) {
    this.corrected.push(text);
  }
  cutAt(count: number) {
    this.cuts.push(count);
  }
  end() {
    this.ended++;
  }
}

interface Rig {
  conv: Conversation;
  session: AgentSession;
  voice: RecVoice;
  bubble: RecBubble;
  events: [string, ...unknown[]][];
  ended: EndReason[];
  server: ServerConnection;
  tools: Map<string, ToolHandler>;
  listening: Set<string>;
  contexts: Map<string, string>;
  /** The host's clock (ms): real time since the rig started, plus whatever a test skips ahead. */
  clock: { skipped: number };
}

export async function conversationRig(
  server: ScriptedServer,
  opts: {
    prewarm?: boolean;
    tools?: Record<string, ToolHandler>;
    listen?: string[];
    reconnect?: boolean;
  } = {},
) {
  const session = new AgentSession({
    endpoint: { kind: 'url', url: server.url },
    WebSocket,
    reconnect: opts.reconnect ? { baseDelayMs: 10 } : false,
  });
  const voice = new RecVoice();
  const bubble = new RecBubble();
  const events: [string, ...unknown[]][] = [];
  const ended: EndReason[] = [];
  const tools = new Map(Object.entries(opts.tools ?? {}));
  const listening = new Set(opts.listen ?? []);
  const contexts = new Map<string, string>([['inventory', 'The player holds a torch.']]);
  const t0 = performance.now();
  const clock = { skipped: 0 };
  const inputs: ConversationInputs = {
    contexts: () => contexts,
    toolHandler: (n) => tools.get(n),
    hasToolListener: (n) => listening.has(n),
    toolNames: () => [...tools.keys(), ...listening],
    now: () => performance.now() - t0 + clock.skipped,
  };
  const conv = new Conversation(inputs, session, voice, bubble);
  conv.on('state', (s) => events.push(['state', s]));
  conv.on('npc', (...e) => events.push(e));
  conv.on('player:said', (t) => events.push(['playerSaid', t]));
  conv.on('end', (r) => ended.push(r));
  if (!opts.prewarm) conv.activate();
  const connecting = conv.connect();
  const conn = await server.connection(0);
  await conn.nextOfType('conversation_initiation_client_data');
  conn.sendMetadata();
  await connecting;
  return {
    conv,
    session,
    voice,
    bubble,
    events,
    ended,
    server: conn,
    tools,
    listening,
    contexts,
    clock,
  } satisfies Rig;
}

export const audio = (eventId: number, samples = 1600) => ({
  type: 'audio' as const,
  audio_event: { audio_base_64: int16ToBase64(new Int16Array(samples).fill(1000)), event_id: eventId },
});
