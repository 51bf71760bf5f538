import type { NpcBubbleStyle, NpcDefinition } from '../npc/types.js';
import { AgentSession, mergeInitiation } from '../session/index.js';
import { npcAgentToInitiation } from './overrides.js';
import { SpeechInput } from './speech-input.js';
import type { AgentSessionOptions, Region, SessionEndpoint, WebSocketConstructor } from '../session/index.js';
import type { VoiceAgentsError } from './events.js';
import type { HowlerLike, MicMode, SpatialOptions } from '../audio/index.js';
import { PROXIMITY_DEFAULTS, type LineOfSight } from '../proximity/index.js';
import type { SessionLike } from './conversation-parts.js';
import { getServedEndpoints, type ServedEndpoints } from '../npc/live.js';

/** Every connection, audio and behaviour setting of the plugin, set in one place with `configure()`. */
export interface VoiceAgentsConfig {
  /**
   * The offline local agent's WebSocket URL: its origin (`ws://localhost:8787`) or the full
   * conversation URL (`ws://localhost:8787/v1/convai/conversation`).
   * Used for NPCs without an `agent.agent_id`; the NPC id is passed as `agent_id`.
   * Default with the Vite plugin: the local agent its dev or preview server runs, on the page's
   * own origin. `null`: no local agent.
   */
  localAgentUrl?: string | null;
  /**
   * A signed-URL broker (private agents: the API key stays on the server). Used for NPCs with an
   * agent_id. Default with the Vite plugin: the broker its server mounts (in dev only with an API
   * key; a production build expects the one `voice-agents serve` mounts). `null`: connect to
   * public agents directly.
   */
  brokerUrl?: string | null;
  /** Service region for public agents. Default 'global'. */
  region?: Region;
  /** A default public agent for NPCs with no agent_id when no local agent is configured. */
  defaultAgentId?: string;
  /**
   * Send each NPC file's prompt, first message, voice… as session overrides. Default: only to the
   * local agent. Real agents get their configuration from `voice-agents push`; overrides there need
   * the agent's security settings to allow them (else the service closes with 1008).
   */
  overrides?: 'local-only' | 'always' | 'never';
  /** Open conversations at most (the service's plan limit; Pro allows 10). Default 10. */
  maxConcurrent?: number;
  /** Default 'push-to-talk'. */
  micMode?: MicMode;
  /**
   * Who turns the player's speech into words for the local agent. 'agent' (default): the local
   * agent's own offline recognizer. 'browser': the browser's speech recognition where it exists
   * (Chrome, Edge, Safari), much better at free speech; the audio still streams so speaking over
   * an NPC interrupts it, and the agent falls back to its own recognizer when the browser sends no
   * words. Real agents always use the service's recognizer.
   */
  speechRecognition?: 'agent' | 'browser';
  /** Microphone chunk length. Default 20 ms. */
  micChunkMs?: number;
  /** How NPC voices are positioned. Default 'stereo'. */
  spatial?: 'stereo' | 'hrtf';
  /** Distance model and pan width (world pixels). */
  spatialOptions?: Omit<SpatialOptions, 'model'>;
  /** The game's Howler global. Default: `window.Howler` (set by the howler package when imported). */
  howler?: HowlerLike | null;
  /** A conversation that is no longer wanted stays open this long (brushing past is free). Default 1500 ms. */
  lingerMs?: number;
  /** Equal-priority NPCs: the challenger must be this many pixels nearer to take over. Default 12. */
  switchMargin?: number;
  /** Optional line-of-sight test (e.g. a tilemap ray). */
  lineOfSight?: LineOfSight | null;
  /** Draw speech bubbles. Default true. */
  bubbles?: boolean;
  /**
   * Screen areas speech bubbles keep out of, in game-canvas pixels: the HUD panels your UI scene
   * draws over the world. Called every frame while a bubble shows; return the panels now visible.
   */
  bubbleAvoid?: () => readonly ScreenRect[];
  /**
   * Who is playing, sent as `user_id` with each conversation: the local agent keeps what NPCs learned
   * (their replies' `remember`) per player for the play session. Default: a random id per page load.
   */
  playerId?: string;
  /** Style of the player's bubble (user transcript). */
  playerBubble?: Partial<NpcBubbleStyle>;
  /** Draw the NPC state marker (connecting / listening / speaking). Default true. */
  markers?: boolean;
  /** Follow NPC file hot reloads from the Vite plugin. Default true. */
  hotReload?: boolean;
  /** WebSocket implementation (default: the browser's). */
  WebSocket?: WebSocketConstructor;
  /** Advanced: build the session yourself (tests, custom transports). */
  createSession?: (options: AgentSessionOptions, npc: NpcDefinition) => SessionLike;
}

export const DEFAULT_CONFIG = {
  region: 'global' as Region,
  overrides: 'local-only' as const,
  maxConcurrent: PROXIMITY_DEFAULTS.maxConcurrent,
  micMode: 'push-to-talk' as MicMode,
  micChunkMs: 20,
  spatial: 'stereo' as const,
  lingerMs: PROXIMITY_DEFAULTS.lingerMs,
  switchMargin: PROXIMITY_DEFAULTS.switchMargin,
  bubbles: true,
  markers: true,
  hotReload: true,
};

/** This page load's player, when the game names none: random, so it says nothing about the person. */
const PLAY_SESSION = `play-${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36)}`;

/** Where an NPC's conversation connects, or an error message saying what to configure. */
export function endpointFor(npc: NpcDefinition, c: VoiceAgentsConfig): SessionEndpoint | string {
  const agentId = npc.agent?.agent_id?.trim();
  if (agentId) {
    if (c.brokerUrl) return { kind: 'broker', brokerUrl: c.brokerUrl, agentId, npcId: npc.id };
    return { kind: 'agent', agentId, region: c.region ?? 'global' };
  }
  if (c.localAgentUrl) {
    // A bare origin (what createLocalAgent() reports) gets the conversation path.
    let url = c.localAgentUrl;
    const m = /^(wss?:\/\/[^/?#]+)\/?(\?.*)?$/.exec(url);
    if (m) url = `${m[1]}/v1/convai/conversation${m[2] ?? ''}`;
    const sep = url.includes('?') ? '&' : '?';
    // The browser recognizes speech itself: the local agent waits for its words (see SpeechInput).
    const clientAsr = c.speechRecognition === 'browser' && SpeechInput.available() ? '&client_asr=1' : '';
    return { kind: 'url', url: `${url}${sep}agent_id=${encodeURIComponent(npc.id)}${clientAsr}` };
  }
  if (c.defaultAgentId) return { kind: 'agent', agentId: c.defaultAgentId, region: c.region ?? 'global' };
  return `NPC "${npc.id}" has no agent: set agent.agent_id in its file, run the game through the Vite plugin (its dev server runs the local agent), or configure({ localAgentUrl })`;
}

/**
 * The config with the Vite plugin's served endpoints filled in where the game set none: paths on
 * the page's origin made absolute (ws: or wss: like the page). Explicit URLs and `null` win.
 */
export function withServedEndpoints(
  c: VoiceAgentsConfig,
  served: ServedEndpoints | undefined,
  page: string | undefined,
): VoiceAgentsConfig {
  if (!served || !page) return c;
  const out = { ...c };
  if (c.localAgentUrl === undefined && served.localAgent) {
    const u = new URL(served.localAgent, page);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    out.localAgentUrl = u.href;
  }
  if (c.brokerUrl === undefined && served.broker) out.brokerUrl = new URL(served.broker, page).href;
  return out;
}

/** A session for an NPC's next conversation, or a 'config' error saying what is missing. */
export function createSessionFor(
  npc: NpcDefinition,
  config: VoiceAgentsConfig,
  opts: { quiet?: boolean } = {},
): SessionLike | VoiceAgentsError {
  const c = withServedEndpoints(config, getServedEndpoints(), globalThis.location?.href);
  const endpoint = endpointFor(npc, c);
  if (typeof endpoint === 'string') return { kind: 'config', message: endpoint };
  const mode = c.overrides ?? DEFAULT_CONFIG.overrides;
  const sendOverrides = mode === 'always' || (mode === 'local-only' && endpoint.kind === 'url');
  const { type: _type, ...fromNpc } = npcAgentToInitiation(sendOverrides ? npc.agent : undefined);
  const options: AgentSessionOptions = {
    endpoint,
    initiation: mergeInitiation(fromNpc, {
      user_id: c.playerId ?? PLAY_SESSION,
      // Picking up after an idle end: no second greeting (where overrides may be sent at all).
      ...(opts.quiet && sendOverrides
        ? { conversation_config_override: { agent: { first_message: '' } } }
        : {}),
    }),
    ...(c.WebSocket ? { WebSocket: c.WebSocket } : {}),
    // A reconnect asks the agent not to greet again with a first_message override, which a real
    // agent refuses (1008) unless it allows that override: where none may be sent, it greets again.
    ...(sendOverrides ? {} : { reconnect: { replayGreeting: true } }),
  };
  try {
    return c.createSession ? c.createSession(options, npc) : new AgentSession(options);
  } catch (cause) {
    return { kind: 'config', message: String((cause as Error)?.message ?? cause), cause };
  }
}

/** A rectangle in game-canvas pixels (top-left corner and size). */
export interface ScreenRect {
  x: number;
  y: number;
  width: number;
  height: number;
}
