/**
 * The NPC prompt-file schema, written once as data. Everything else derives from it: run-time
 * validation with positioned errors (validate.ts), the committed JSON Schema that editors use for
 * autocomplete (json-schema.ts → schema/npc.schema.json), and a compile-time check that the output
 * type matches the NpcDefinition contract in types.ts (SchemaOutput, asserted in a test). The
 * vocabulary is in schema-nodes.ts; the offline agent's section in schema-local.ts.
 */
import { IDENT, type ObjectSchema, type SchemaOutput } from './schema-nodes.js';
import { localSchema } from './schema-local.js';
import { MAX_RADIUS, NPC_DEFAULTS } from './defaults.js';

/**
 * The voice models the agents API takes (`TtsConversationalModel` in the official SDK; a test
 * compares this list with the SDK's, so it cannot drift silently).
 */
export const AGENT_TTS_MODELS = [
  'eleven_turbo_v2',
  'eleven_turbo_v2_5',
  'eleven_flash_v2',
  'eleven_flash_v2_5',
  'eleven_multilingual_v2',
  'eleven_v3_conversational',
  'eleven_v4',
  'eleven_v4_turbo',
] as const;
const COLOUR = '^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$';
const colour = (what: string) =>
  ({
    type: 'string',
    description: `${what}, as a hex colour like "#ffcc00".`,
    pattern: COLOUR,
    patternHint: 'a hex colour like "#ffcc00"',
  }) as const;
const unit = (description: string) => ({ type: 'number', description, minimum: 0, maximum: 1 }) as const;

export const npcSchema = {
  type: 'object',
  description:
    'One NPC: who it is (agent), when the player talks to it (proximity), how its words look (bubble) and how the offline local agent plays it (local). The NPC id is the file name: mira.npc.yaml → mira.',
  required: ['name', 'agent'],
  properties: {
    name: { type: 'string', description: 'Display name, e.g. "Mira the Merchant".', minLength: 1 },
    agent: {
      type: 'object',
      description: 'The conversational agent: persona prompt, greeting, language and voice.',
      properties: {
        agent_id: {
          type: 'string',
          description:
            'An ElevenLabs agent id. Empty: the game uses its default agent or the offline local agent. `voice-agents push` fills this in.',
        },
        prompt: {
          type: 'object',
          description: 'The persona prompt given to the language model.',
          properties: {
            text: {
              type: 'string',
              description: 'Who the NPC is and how it talks.',
              minLength: 1,
              template: 'agent',
            },
            llm: {
              type: 'string',
              description:
                'The language model the real agent uses, e.g. gemini-2.0-flash or gpt-4o-mini (the service lists the ones it offers; `voice-agents push` shows its answer if it refuses one).',
              minLength: 1,
              pattern: '^[A-Za-z0-9._:-]+$',
              patternHint: 'a model name like "gemini-2.0-flash"',
            },
            temperature: unit('How creative the replies are: 0 = predictable, 1 = adventurous.'),
            max_tokens: {
              type: 'integer',
              description: 'Longest reply the model may write, in tokens (about ¾ of a word each).',
              minimum: 1,
              maximum: 4096,
            },
          },
        },
        first_message: {
          type: 'string',
          description:
            'What the NPC says first when the player walks up. Empty: the NPC waits for the player.',
          template: 'agent',
        },
        language: {
          type: 'string',
          description: 'Language code, e.g. en, de, pt-br.',
          pattern: '^[a-z]{2,3}(-[a-z]{2,4})?$',
          patternHint: 'a lowercase language code like "en" or "pt-br"',
        },
        voice: {
          type: 'object',
          description: 'The ElevenLabs voice.',
          properties: {
            voice_id: { type: 'string', description: 'ElevenLabs voice id.', minLength: 1 },
            model_id: {
              type: 'string',
              description:
                'ElevenLabs voice model for agents: eleven_flash_v2_5 (fast, many languages), eleven_flash_v2 (English), eleven_multilingual_v2, eleven_v3_conversational, eleven_v4, eleven_v4_turbo; eleven_turbo_v2 and eleven_turbo_v2_5 are older names the service still takes.',
              enum: AGENT_TTS_MODELS,
            },
            voice_settings: {
              type: 'object',
              description: 'Fine tuning of the voice.',
              properties: {
                stability: unit('0 = expressive and varied, 1 = steady and monotone.'),
                similarity_boost: unit('How closely the voice sticks to the original speaker.'),
                style: unit('Style exaggeration; 0 is neutral.'),
                speed: {
                  type: 'number',
                  description: 'Speaking speed; 1 is normal.',
                  minimum: 0.7,
                  maximum: 1.2,
                },
              },
            },
          },
        },
        asr: {
          type: 'object',
          description: 'Speech recognition hints.',
          properties: {
            keywords: {
              type: 'array',
              description: 'Names and words the recogniser should expect (e.g. the NPC name, item names).',
              items: { type: 'string', description: 'A word or name.', minLength: 1 },
            },
          },
        },
        tools: {
          type: 'array',
          description:
            'Client tools: actions the game performs when the agent calls them (open a shop, give an item). `voice-agents push` gives them to the real agent; the offline replies may call only these.',
          items: {
            type: 'object',
            description: 'One client tool.',
            required: ['name', 'description'],
            properties: {
              name: {
                type: 'string',
                description: 'The name the game answers, e.g. open_shop (npc.onTool("open_shop", …)).',
                pattern: IDENT,
                patternHint: 'letters, digits and _ (like open_shop)',
              },
              description: {
                type: 'string',
                description:
                  'When the agent should call it and what it does, in plain words: the model reads this.',
                minLength: 1,
              },
              parameters: {
                type: 'free-object',
                description:
                  'A JSON Schema object for the values the tool gets: { type: object, properties: { item: { type: string, description: … } }, required: [item] }.',
              },
              expects_response: {
                type: 'boolean',
                description:
                  'The agent waits for the game’s answer (a value from npc.onTool) before it goes on.',
                default: false,
              },
              response_timeout_secs: {
                type: 'integer',
                description: 'How long the agent waits for that answer, in seconds.',
                minimum: 1,
                maximum: 120,
              },
            },
          },
        },
        dynamic_variables: {
          type: 'record',
          description: 'Values the prompt can use as {{name}}.',
          keyPattern: IDENT,
          keyHint: 'letters, digits and _ (like shop_name)',
          values: { type: 'scalar', description: 'Text, a number or true/false.' },
        },
      },
    },
    proximity: {
      type: 'object',
      filled: true,
      description: 'When a conversation starts and ends, in world pixels.',
      properties: {
        radius: {
          type: 'number',
          description: 'The player within this distance talks to the NPC.',
          exclusiveMinimum: 0,
          maximum: MAX_RADIUS,
          default: NPC_DEFAULTS.radius,
        },
        exit_radius: {
          type: 'number',
          description:
            'The conversation ends beyond this distance; at least radius, so walking along the edge does not flicker. Default: radius × 4/3.',
          exclusiveMinimum: 0,
          maximum: MAX_RADIUS,
          default: NPC_DEFAULTS.exit_radius,
        },
        priority: {
          type: 'number',
          description: 'When two NPCs are equally close, the higher priority wins.',
          default: NPC_DEFAULTS.priority,
        },
        dwell_ms: {
          type: 'number',
          description: 'How long (ms) the player must stay in range before the conversation switches.',
          minimum: 0,
          maximum: 10000,
          default: NPC_DEFAULTS.dwell_ms,
        },
        prewarm_radius: {
          type: 'number',
          description:
            'Within this distance the conversation connects early so the greeting starts at once. At least radius. Default: radius × 2.',
          exclusiveMinimum: 0,
          maximum: MAX_RADIUS,
          default: NPC_DEFAULTS.prewarm_radius,
        },
      },
    },
    bubble: {
      type: 'object',
      filled: true,
      description: 'How the speech bubble above the NPC looks.',
      properties: {
        max_width: {
          type: 'number',
          description: 'Widest the bubble grows before wrapping, in pixels.',
          minimum: 40,
          maximum: 2000,
          default: NPC_DEFAULTS.max_width,
        },
        font_family: { type: 'string', description: 'CSS font family, e.g. "Georgia, serif".', minLength: 1 },
        font_size: { type: 'number', description: 'Font size in pixels.', minimum: 6, maximum: 96 },
        text_color: colour('Text colour'),
        background: colour('Bubble fill colour'),
        border: colour('Bubble outline colour'),
        tags: {
          type: 'string',
          description:
            'What expressive tags like [laughs] become: "emote" shows a small emote, "drop" hides them.',
          enum: ['emote', 'drop'],
        },
      },
    },
    local: localSchema,
  },
} as const satisfies ObjectSchema;

/** What a valid file compiles to, before the id (the file stem) is added. */
export type NpcFileContent = SchemaOutput<typeof npcSchema>;
