/**
 * The NPC definition: what one `assets/npcs/<id>.npc.yaml` file compiles to. This interface is the
 * contract between the prompt-file compiler (npc/), the session (overrides), the local agent
 * (the `local` section) and the Phaser plugin (proximity, bubble). Field names follow the file, which
 * follows the ElevenLabs agent configuration.
 */
export interface NpcDefinition {
  /** File stem: `mira` for `mira.npc.yaml`. Unique across a game. */
  id: string;
  /** Display name ("Mira the Merchant"). */
  name: string;
  agent: NpcAgentConfig;
  proximity: NpcProximity;
  bubble: NpcBubbleStyle;
  local: NpcLocalConfig;
  /**
   * Set (to the first error, `file:line:column message`) on the stand-in the Vite dev server gives a
   * game for an NPC file that has been broken since it started: the NPC is attached but opens no
   * conversation until a good save replaces it.
   */
  unavailable?: string;
}

export interface NpcAgentConfig {
  /** A real ElevenLabs agent id; empty means the configured default / the local agent. */
  agent_id?: string;
  prompt?: { text?: string; llm?: string; temperature?: number; max_tokens?: number };
  first_message?: string;
  language?: string;
  voice?: {
    voice_id?: string;
    model_id?:
      | 'eleven_turbo_v2'
      | 'eleven_turbo_v2_5'
      | 'eleven_flash_v2'
      | 'eleven_flash_v2_5'
      | 'eleven_multilingual_v2'
      | 'eleven_v3_conversational'
      | 'eleven_v4'
      | 'eleven_v4_turbo';
    voice_settings?: { stability?: number; similarity_boost?: number; style?: number; speed?: number };
  };
  asr?: { keywords?: string[] };
  /** Client tools the agent may call (pushed to real agents; the offline replies may call only these). */
  tools?: NpcClientTool[];
  dynamic_variables?: Record<string, string | number | boolean>;
}

/** One client tool, declared in the NPC file. */
export interface NpcClientTool {
  name: string;
  /** When the agent should call it and what it does (the model reads this). */
  description: string;
  /** A JSON Schema object: `{ type: 'object', properties: { … }, required: [ … ] }`. */
  parameters?: Record<string, unknown>;
  /** The agent waits for the game's answer. */
  expects_response: boolean;
  /** How long it waits, 1–120 s. */
  response_timeout_secs?: number;
}

export interface NpcProximity {
  /** Enter radius in world pixels. */
  radius: number;
  /** Exit radius (> radius): hysteresis so walking along the edge does not flap. */
  exit_radius: number;
  /** Higher wins when two NPCs are in range at the same distance band. */
  priority: number;
  /** ms the player must stay inside before the switch. */
  dwell_ms: number;
  /** Outer radius that opens (prewarms) the conversation early. */
  prewarm_radius: number;
}

export interface NpcBubbleStyle {
  max_width: number;
  font_family?: string;
  font_size?: number;
  text_color?: string;
  background?: string;
  border?: string;
  /** What expressive tags like [laughs] become: a small emote, or nothing. */
  tags?: 'emote' | 'drop';
}

export interface NpcLocalReply {
  /** Names the reply, so another can follow it with `after`. */
  id?: string;
  /** Only right after one of these replies (by id) or `greeting` was said. */
  after?: string[];
  /** Facts that must hold: `has_lantern`, `!gate_open`, `quest=aldric`, `quest!=done`. */
  if?: string[];
  /** Facts the NPC learns by saying this reply (they hold for the rest of the play session). */
  remember?: string[];
  /** Keywords or phrases; the reply whose phrases best explain what the player said is spoken. */
  when: string[];
  say: string;
  tool?: { name: string; parameters?: Record<string, unknown>; expects_response?: boolean };
}

export interface NpcLocalConfig {
  voice: { engine_voice: string; rate: number; pitch: number };
  replies: NpcLocalReply[];
  /** Facts the game sets (`setFact`) that replies may test with `if`. */
  facts?: string[];
  /** Said when spoken words were not caught (default "Sorry, I didn't catch that."). */
  say_again?: string;
  /** Said when spoken words cannot be understood offline at all, asking the player to type. */
  type_instead?: string;
  /** The NPC's own synonym groups (`lantern: [lamp]`), added to the shared ones. */
  synonyms?: Record<string, string[]>;
  fallback: string;
}

/** Kinds of problems in NPC files, so tools can group or filter them. */
export type NpcFileErrorCode =
  | 'syntax'
  | 'type'
  | 'range'
  | 'format'
  | 'unknown-key'
  | 'required'
  | 'duplicate-key'
  | 'duplicate-id'
  | 'invalid-id'
  | 'inconsistent'
  | 'unknown-npc'
  /** Over a size limit: file size, fields in one group, values repeated through aliases. */
  | 'limit'
  /** A file in the NPC folder that is not loaded (a symbolic link leading outside the folder). */
  | 'skipped-file';

/**
 * One problem in an NPC file, positioned for an editor or a terminal (`file:line:column message`).
 * `message` is a whole sentence a level designer understands and starts with the field path when
 * there is one: "agent.voice.voice_settings.stability must be between 0 and 1, got 1.5".
 */
export interface NpcFileError {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Dotted field path (`local.replies[2].say`); empty for the whole file. */
  path: string;
  message: string;
  code: NpcFileErrorCode;
}

export type NpcCompileResult =
  | { ok: true; npc: NpcDefinition; warnings: NpcFileError[] }
  | { ok: false; errors: NpcFileError[]; warnings: NpcFileError[] };
