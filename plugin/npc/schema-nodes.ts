/**
 * The vocabulary the NPC schema (schema-def.ts) is written in, and the type a schema of it compiles
 * to. Validation (validate.ts) and the JSON Schema (json-schema.ts) read these nodes.
 */

interface Described {
  /** Shown by editors on hover, in words a level designer understands. */
  description: string;
}

export interface StringSchema extends Described {
  type: 'string';
  default?: string;
  enum?: readonly string[];
  minLength?: number;
  /** A regular expression (without slashes) the whole value must match. */
  pattern?: string;
  /** What the pattern means, for the error message: `a colour like "#ffcc00"`. */
  patternHint?: string;
  /** The text may use {{variables}}; which ones can be filled depends on who fills it (variables.ts). */
  template?: 'agent' | 'local';
}

export interface NumberSchema extends Described {
  type: 'number' | 'integer';
  default?: number;
  minimum?: number;
  maximum?: number;
  /** The value must be strictly greater than this. */
  exclusiveMinimum?: number;
}

interface BooleanSchema extends Described {
  type: 'boolean';
  default?: boolean;
}

interface ArraySchema extends Described {
  type: 'array';
  items: SchemaNode;
  minItems?: number;
  /** Only the empty list is a sensible default for a list. */
  default?: readonly [];
}

export interface ObjectSchema extends Described {
  type: 'object';
  properties: Readonly<Record<string, SchemaNode>>;
  required?: readonly string[];
  /** Absent in the file → built from its children's defaults, so it is always present in the output. */
  filled?: boolean;
}

/** A map with free keys (dynamic variables). */
interface RecordSchema extends Described {
  type: 'record';
  keyPattern?: string;
  keyHint?: string;
  values: SchemaNode;
}

/** A single text, number or true/false value. */
interface ScalarSchema extends Described {
  type: 'scalar';
}

/** Any map, passed through as-is (tool parameters). */
interface FreeObjectSchema extends Described {
  type: 'free-object';
}

export type SchemaNode =
  | StringSchema
  | NumberSchema
  | BooleanSchema
  | ArraySchema
  | ObjectSchema
  | RecordSchema
  | ScalarSchema
  | FreeObjectSchema;

/** A name that code uses as an identifier: tool names, fact names, reply ids, variable names. */
export const IDENT = '^[A-Za-z_][A-Za-z0-9_]*$';

// The output type of a schema (the NPC file's, checked against NpcDefinition in a test).

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredKeys<S extends { properties: object; required?: readonly string[] }> = {
  [K in keyof S['properties']]: K extends (
    S['required'] extends readonly string[] ? S['required'][number] : never
  )
    ? K
    : S['properties'][K] extends { default: unknown } | { filled: true }
      ? K
      : never;
}[keyof S['properties']];

export type SchemaOutput<S> = S extends { type: 'string'; enum: readonly (infer E)[] }
  ? E
  : S extends { type: 'string' }
    ? string
    : S extends { type: 'number' | 'integer' }
      ? number
      : S extends { type: 'boolean' }
        ? boolean
        : S extends { type: 'array'; items: infer I }
          ? SchemaOutput<I>[]
          : S extends { type: 'record'; values: infer V }
            ? Record<string, SchemaOutput<V>>
            : S extends { type: 'scalar' }
              ? string | number | boolean
              : S extends { type: 'free-object' }
                ? Record<string, unknown>
                : S extends { type: 'object'; properties: infer P extends object }
                  ? Simplify<
                      { [K in RequiredKeys<S & { properties: P }>]-?: SchemaOutput<P[K & keyof P]> } & {
                        [K in Exclude<keyof P, RequiredKeys<S & { properties: P }>>]?: SchemaOutput<P[K]>;
                      }
                    >
                  : never;
