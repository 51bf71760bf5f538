/**
 * The `local` section of the NPC schema: how the offline local agent plays the NPC (its voice,
 * scripted replies, facts and fallbacks). Only the local agent reads it; the real service never sees it.
 */
import { IDENT, type ObjectSchema } from './schema-nodes.js';
import { NPC_DEFAULTS } from './defaults.js';

export const localSchema = {
  type: 'object',
  filled: true,
  description: 'How the offline local agent plays this NPC (no account, no network).',
  properties: {
    voice: {
      type: 'object',
      filled: true,
      description: 'The offline speech voice.',
      properties: {
        engine_voice: {
          type: 'string',
          description: 'espeak-ng voice, e.g. en-us+f3, en-gb+m3, en-gb-scotland+f2.',
          minLength: 1,
          pattern: '^[A-Za-z0-9_+-]+$',
          patternHint: 'an espeak-ng voice name like "en-us+f3"',
          default: NPC_DEFAULTS.engine_voice,
        },
        rate: {
          type: 'integer',
          description: 'Words per minute.',
          minimum: 80,
          maximum: 450,
          default: NPC_DEFAULTS.rate,
        },
        pitch: {
          type: 'integer',
          description: 'Pitch from 0 (low) to 99 (high).',
          minimum: 0,
          maximum: 99,
          default: NPC_DEFAULTS.pitch,
        },
      },
    },
    replies: {
      type: 'array',
      description:
        'Scripted answers: the first reply whose keywords appear in what the player said is spoken.',
      default: [],
      items: {
        type: 'object',
        description: 'One scripted answer.',
        required: ['when', 'say'],
        properties: {
          id: {
            type: 'string',
            description: 'A name for this reply, so another reply can follow it with `after`.',
            pattern: IDENT,
            patternHint: 'letters, digits and _ (like asks_quest)',
          },
          after: {
            type: 'array',
            description:
              'This reply applies only right after the NPC said one of these replies (by id), or `greeting` (its first message), and wins there: a "yes" answers the question the NPC just asked.',
            minItems: 1,
            items: {
              type: 'string',
              description: 'A reply id from this file, or greeting.',
              pattern: IDENT,
              patternHint: 'a reply id or greeting',
            },
          },
          if: {
            type: 'array',
            description:
              'Facts that must hold for this reply: "has_lantern" (true), "!gate_open" (false), "quest=aldric" or "quest!=done". Each fact is one the game sets (declared under local.facts) or one a reply of this file remembers.',
            minItems: 1,
            items: { type: 'string', description: 'A condition on one fact.', minLength: 1 },
          },
          remember: {
            type: 'array',
            description:
              'Facts the NPC learns when it says this reply (e.g. told_password); they hold for the rest of the play session, so later replies can test them with `if`.',
            minItems: 1,
            items: {
              type: 'string',
              description: 'A fact name.',
              pattern: IDENT,
              patternHint: 'letters, digits and _ (like told_password)',
            },
          },
          when: {
            type: 'array',
            description:
              'Keywords or phrases; the reply whose phrases best explain what the player said is spoken. Word forms, the shared synonyms (lamp for lantern, how much for price) and small typing slips count; a tool runs only when the player asks for it, not when they ask about it.',
            minItems: 1,
            items: { type: 'string', description: 'A keyword or phrase.', minLength: 1 },
          },
          say: { type: 'string', description: 'What the NPC answers.', minLength: 1, template: 'local' },
          tool: {
            type: 'object',
            description:
              'A client tool the game runs when this reply is spoken (opens a gate, gives an item…).',
            required: ['name'],
            properties: {
              name: {
                type: 'string',
                description: 'Tool name the game registered, e.g. open_gate.',
                pattern: IDENT,
                patternHint: 'letters, digits and _ (like open_gate)',
              },
              parameters: { type: 'free-object', description: 'Values passed to the tool.' },
              expects_response: {
                type: 'boolean',
                description: 'Whether the agent waits for the game to answer the tool call.',
              },
            },
          },
        },
      },
    },
    facts: {
      type: 'array',
      description:
        'Facts the game sets about the world (npc.setFact or this.voiceAgents.setFact), which replies test with `if`: e.g. has_lantern, gate_open.',
      items: {
        type: 'string',
        description: 'A fact name.',
        pattern: IDENT,
        patternHint: 'letters, digits and _ (like has_lantern)',
      },
    },
    synonyms: {
      type: 'record',
      description:
        'Words players use for the same thing, added to the shared groups: e.g. lantern: [lamp, glowstick]. A reply written for the first word hears the others.',
      keyPattern: '^[A-Za-z][A-Za-z0-9 _-]*$',
      keyHint: 'a word or a phrase',
      values: {
        type: 'array',
        description: 'Other words or phrases that mean the same.',
        minItems: 1,
        items: { type: 'string', description: 'A word or phrase.', minLength: 1 },
      },
    },
    say_again: {
      type: 'string',
      description:
        'What the NPC says when it did not catch spoken words (in its own words and language). Default: "Sorry, I didn\'t catch that."',
      minLength: 1,
    },
    type_instead: {
      type: 'string',
      description:
        'What the NPC says when spoken words cannot be understood offline at all (no recognizer, or not in its language), asking the player to type.',
      minLength: 1,
    },
    fallback: {
      type: 'string',
      description: 'What the NPC says when no reply matches.',
      minLength: 1,
      template: 'local',
      default: NPC_DEFAULTS.fallback,
    },
  },
} as const satisfies ObjectSchema;
