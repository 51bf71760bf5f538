/**
 * The voice layer, written the way a game developer uses phaser-voice-agents: NPC definitions from
 * the Vite plugin's virtual module, one `attach()` per NPC sprite placed from the Tiled "npcs" layer,
 * client tools that change the game, context updates, and the plugin's events bound to the HUD.
 */
import { Howler } from 'howler';
import type { NpcDefinition, NpcHandle } from 'phaser-voice-agents';
import { npcById, npcFileErrors, voiceAgentsEndpoints } from 'virtual:voice-agents/npcs';
import type { NpcActor } from './game/actors.js';
import type { Problem } from './game/talk.js';
import { ASR_UNAVAILABLE, NO_VOICE_SERVICE, describeError, describeReconnect } from './game/problems.js';
import type { VillageScene } from './scenes/VillageScene.js';
import type { HudScene } from './scenes/HudScene.js';

/** "Mira the Merchant" → "Mira": what the hints and the HUD call an NPC. */
export function shortName(def: NpcDefinition): string {
  return def.name.split(/\s+(?:the|of)\s+/i)[0]?.trim() || def.id;
}

interface ServerInfo {
  broker: string | null;
  localAgent: string | null;
}

/** Where the agents are: asked of the server at run time (dev, preview and `voice-agents serve` all answer). */
async function serverInfo(): Promise<ServerInfo> {
  try {
    const res = await fetch('/voice-agents/config', { cache: 'no-store' });
    if (res.ok) return (await res.json()) as ServerInfo;
  } catch {
    // fall through to what the build knew
  }
  return { broker: voiceAgentsEndpoints.broker, localAgent: voiceAgentsEndpoints.localAgent };
}

/** Does the local agent have a speech recognizer? null when unknown (no local agent, no answer). */
async function localRecognizer(): Promise<boolean | null> {
  try {
    const res = await fetch('/voice-agents/health', { cache: 'no-store' });
    if (!res.ok) return null;
    const body = (await res.json()) as { recognizer?: { available?: boolean } };
    return body.recognizer?.available ?? null;
  } catch {
    return null;
  }
}

function wsUrl(path: string): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return /^wss?:/.test(path) ? path : `${proto}//${location.host}${path}`;
}

export function setupVoice(scene: VillageScene): void {
  const va = scene.voiceAgents;
  const talk = scene.talk;
  const state = scene.state;
  const actors = new Map<NpcHandle, NpcActor>();
  let usesLocalAgent = false;
  let recognizer: boolean | null = null;
  let pressing = false;
  let asrTimer: ReturnType<typeof setTimeout> | undefined;
  let otherTimer: ReturnType<typeof setTimeout> | undefined;
  /** Shows a problem; one that nothing else clears ('other') is said for a while, then goes (the console keeps it). */
  const say = (p: Problem): void => {
    talk.problem(p);
    if (p.id !== 'other') return;
    clearTimeout(otherTimer);
    otherTimer = setTimeout(() => talk.clear('other'), 8000);
  };

  va.configure({
    howler: Howler,
    micMode: 'push-to-talk',
    // ?asr=browser: the browser's own speech recognition (Chrome, Edge, Safari send the audio to
    // their vendor's service, so it is the player's choice, not the default).
    speechRecognition: new URLSearchParams(location.search).get('asr') === 'browser' ? 'browser' : 'agent',
    playerBubble: { max_width: 140, font_size: 9 },
    // The view is 480 world px wide: a villager 200 px to one side is heard fully from that side.
    spatialOptions: { panWidth: 200 },
    // Speech bubbles stay clear of the HUD (problems, Pip's list, the mic and volume panels).
    bubbleAvoid: () => (scene.scene.isActive('hud') ? (scene.scene.get('hud') as HudScene).panelRects() : []),
  });
  // What the build knows now; the server's run-time answer (below) may refine it.
  if (voiceAgentsEndpoints.localAgent)
    va.configure({ localAgentUrl: wsUrl(voiceAgentsEndpoints.localAgent) });
  if (voiceAgentsEndpoints.broker)
    va.configure({ brokerUrl: new URL(voiceAgentsEndpoints.broker, location.href).href });
  va.setListener(scene.player.sprite);

  for (const e of npcFileErrors)
    talk.problem({
      id: 'npc-files',
      title: `${e.file}:${e.line}:${e.column} has an error.`,
      action: e.message,
    });

  const handleOf = new Map<string, NpcHandle>();
  for (const actor of scene.npcs) {
    const def = npcById[actor.id];
    if (!def) {
      talk.problem({
        id: 'npc-files',
        title: `The map places "${actor.id}" but there is no assets/npcs/${actor.id}.npc.yaml.`,
        action: 'Add the NPC file, or fix the object name in the map\u2019s "npcs" layer.',
      });
      continue;
    }
    actor.name = shortName(def);
    actor.label.setText(actor.name);
    if (!def.agent.agent_id) usesLocalAgent = true;
    const h = va.attach(actor.sprite, def, {
      onMouth: (level) => (actor.mouth = level > 0 ? level : null),
      headOffset: { x: 0, y: -27 },
    });
    actors.set(h, actor);
    handleOf.set(actor.id, h);
    // Any villager may use the village's tools: the NPC files decide who actually calls them.
    h.onTool('open_shop', () => {
      state.emit('shop', `${actor.name}'s Wares`);
      return 'The shop panel is open on the player\u2019s screen.';
    });
    h.onTool('give_item', (p) => {
      const item = String(p.item ?? '');
      if (!item) throw new Error('give_item needs an item');
      state.give(item);
      return `The traveller now has: ${item}.`;
    });
    h.onTool('open_gate', () => scene.openGate());
    h.onTool('add_reminder', (p) => {
      state.remind(String(p.text ?? 'Something to remember'));
      return 'Reminder added to the traveller\u2019s list.';
    });
  }

  // What the villagers know about the traveller: the latest fact per key wins.
  const tellEveryone = () => {
    const inventory = state.describeInventory();
    const quest = `Quest progress: ${[...state.done].join(', ') || 'nothing done yet'}.`;
    for (const h of handleOf.values()) h.setContext('inventory', inventory).setContext('quest', quest);
    // The facts the NPC files' replies test (local.facts): the quest opens up step by step.
    va.setFact('has_lantern', state.has('lantern'))
      .setFact('has_charm', state.has('moon_charm'))
      .setFact('gate_open', state.done.has('gate'))
      .setFact('found_moonwell', state.done.has('moonwell'));
  };
  tellEveryone();
  state.on('changed', tellEveryone);

  const offs = [
    va.on('active:change', (npc) => {
      talk.target = npc ? (actors.get(npc) ?? null) : null;
      talk.npcState = npc?.state ?? 'idle';
      if (!npc) talk.clear('asr-unavailable');
    }),
    va.on('state', (npc, s) => {
      if (va.activeNpc === npc) talk.npcState = s;
      const actor = actors.get(npc);
      if (!actor) return;
      actor.state = s;
      if (s !== 'speaking') actor.mouth = null;
    }),
    va.on('conversation:start', () => {
      talk.clear('agent-unreachable');
      talk.clear('agent-busy');
      talk.clear('reconnecting');
    }),
    va.on('conversation:end', () => talk.clear('reconnecting')),
    va.on('reconnecting', (npc, info) =>
      talk.problem(describeReconnect(actors.get(npc)?.name ?? npc.id, info.attempt, info.maxAttempts)),
    ),
    va.on('mic', (open) => {
      talk.micOpen = open;
      if (open) {
        talk.clear('mic-denied');
        talk.clear('mic-missing');
      }
    }),
    va.on('transcript', (npc, text, final) => {
      if (!final) return;
      talk.lastHeard = text;
      if (text.trim()) talk.logLine({ speaker: 'player', npc: npc.name, text });
    }),
    va.on('response', (npc, text, eventId) => {
      const actor = actors.get(npc);
      if (actor) actor.said = text;
      if (va.activeNpc === npc) talk.lastSaid = text;
      talk.logLine({ speaker: npc.name, npc: npc.name, text, eventId });
    }),
    va.on('correction', (_npc, corrected, _original, eventId) => talk.correct(eventId, corrected)),
    va.on('error', (npc, e) => {
      console.warn(`[thornbury] ${npc.id}: ${e.kind}: ${e.message}`);
      const actor = actors.get(npc);
      const here = actor !== undefined && (talk.target === actor || talk.nearby === actor);
      say({ ...describeError(e, here ? actor.name : undefined), detail: `${npc.id}: ${e.message}` });
    }),
    va.on('plugin:error', (e) => {
      console.warn(`[thornbury] ${e.kind}: ${e.message}`);
      say({ ...describeError(e), detail: e.message });
    }),
  ];
  // Sound comes back with the player's next click or key: the warning goes with it.
  const ctx = Howler.ctx as AudioContext | null;
  const onSound = () => {
    if (ctx?.state === 'running') talk.clear('audio-locked');
  };
  ctx?.addEventListener('statechange', onSound);
  offs.push(() => ctx?.removeEventListener('statechange', onSound));

  /** Shown when the player tries to speak to the local agent and it cannot hear words. */
  const warnIfDeaf = () => {
    const target = va.activeNpc;
    if (!target || target.definition.agent.agent_id || recognizer !== false) return;
    talk.problem(ASR_UNAVAILABLE);
    clearTimeout(asrTimer);
    asrTimer = setTimeout(() => talk.clear('asr-unavailable'), 9000);
  };

  talk.controls = {
    pushToTalk(down) {
      if (down === pressing) return;
      pressing = down;
      if (down && va.micMode === 'muted') {
        va.skip(); // Space still takes the floor from a villager mid-sentence
        state.emit('toast', 'The mic is off: M turns it on, Enter types.');
        return;
      }
      if (down) {
        va.pushToTalkStart();
        warnIfDeaf();
      } else va.pushToTalkStop();
    },
    toggleMicMode() {
      // Off is for a player without a microphone, or who would rather type: in push-to-talk the
      // microphone opens (and the browser asks for it) as a conversation starts, ready for Space.
      va.setMicMode(
        va.micMode === 'push-to-talk' ? 'open' : va.micMode === 'open' ? 'muted' : 'push-to-talk',
      );
      if (va.micMode === 'open') warnIfDeaf();
    },
    sendText(text) {
      talk.clear('asr-unavailable');
      talk.lastHeard = text;
      const to = va.activeNpc;
      if (!va.sendText(text)) {
        state.emit('toast', 'Nobody is listening yet: step closer, then press Enter to send.');
        return false;
      }
      if (to) talk.logLine({ speaker: 'player', npc: to.name, text });
      return true;
    },
    skip() {
      va.skip();
    },
    toggleDebug() {
      talk.debug = va.toggleDebug();
    },
  };

  const onUpdate = () => {
    talk.micMode = va.micMode === 'open' ? 'open' : va.micMode === 'muted' ? 'off' : 'push';
    talk.micLevel = va.micLevel;
    talk.micLive = va.micOpen && (va.micMode === 'open' || pressing);
    for (const [h, actor] of actors) actor.bubble = h.bubbleText;
  };
  scene.events.on('update', onUpdate);
  // Captions: the words a villager has spoken so far in this line (what its bubble shows): the active
  // one while it speaks, else whoever is still speaking (the player walked on mid-sentence), else the
  // active one's last line.
  const onCaption = () => {
    const active = va.activeNpc;
    const speaking = [...handleOf.values()].find((h) => h.state === 'speaking');
    const npc = (active?.state === 'speaking' ? active : (speaking ?? active)) ?? null;
    talk.caption = npc?.bubbleText ?? '';
    talk.captionSpeaker = npc?.name ?? '';
  };
  scene.events.on('postupdate', onCaption);
  scene.events.once('shutdown', () => scene.events.off('postupdate', onCaption));
  scene.events.once('shutdown', () => {
    scene.events.off('update', onUpdate);
    state.off('changed', tellEveryone);
    for (const off of offs) off();
    clearTimeout(asrTimer);
    clearTimeout(otherTimer);
    talk.controls = null;
  });

  void serverInfo().then(async (info) => {
    if (!scene.sys.isActive()) return;
    va.configure({
      ...(info.localAgent ? { localAgentUrl: wsUrl(info.localAgent) } : {}),
      ...(info.broker ? { brokerUrl: new URL(info.broker, location.href).href } : {}),
    });
    if (usesLocalAgent && !info.localAgent) talk.problem(NO_VOICE_SERVICE);
    if (info.localAgent) recognizer = await localRecognizer();
  });
}
