/**
 * The language the decoder's tables (decode.ts) are written in: a field spec
 * `'path:code path.child:code?'` names fields of a message type and the check each must pass. The
 * specs are checked against the message types at compile time, and turned into shapes that
 * `checkShape` applies at run time.
 */
import { isAudioFormat } from './format.js';
import type { ClientMessage, ClientMessageType } from './client-messages.js';
import type { ServerMessage, ServerMessageType } from './messages.js';

interface Check {
  /** What the field must be, for the error detail. */
  expect: string;
  test: (value: unknown) => boolean;
  optional?: boolean;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// Each check's test is a type guard: the type it guards is what a field checked with it must be
// (`Fits` below). The guards are annotations only; the code is what it was.
const oneOf = <const V extends readonly unknown[]>(values: V) => ({
  expect: `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
  test: (v: unknown): v is V[number] => values.includes(v),
});
interface TypeNames {
  string: string;
  number: number;
}
const arrayOf = <T extends keyof TypeNames>(type: T) => ({
  expect: `array of ${type}s`,
  test: (v: unknown): v is TypeNames[T][] => Array.isArray(v) && v.every((x) => typeof x === type),
});

// The tables (decode.ts) name their checks with these codes: written out as objects they were the
// biggest part of the browser bundle (every field path spelled in full, once per field).
const base = {
  s: { expect: 'string', test: (v): v is string => typeof v === 'string' },
  n: { expect: 'number', test: (v): v is number => typeof v === 'number' && Number.isFinite(v) },
  b: { expect: 'boolean', test: (v): v is boolean => typeof v === 'boolean' },
  o: { expect: 'object', test: isObject },
  a: { expect: 'array', test: Array.isArray },
  S: arrayOf('string'),
  N: arrayOf('number'),
  F: { expect: 'an audio format (pcm_8000 … pcm_48000, ulaw_8000)', test: isAudioFormat },
  part: oneOf(['start', 'delta', 'stop']),
  mcp: oneOf(['loading', 'awaiting_approval', 'success', 'failure']),
  tool_error: oneOf([
    'user_rejected',
    'external_server',
    'external_client',
    'customer_auth',
    'client_timeout',
    'unknown',
  ]),
  score: oneOf(['like', 'dislike', null]),
} satisfies Record<string, Check>;

/** A code from `base`, with a `?` suffix when the field may be absent or null. */
function c(spec: string): Check {
  const optional = spec.endsWith('?');
  const check = (base as Record<string, Check>)[optional ? spec.slice(0, -1) : spec];
  if (!check) throw new Error(`bad spec ${spec}`); // module-load time only: a typo in the tables below
  return optional ? { ...check, optional } : check;
}

/**
 * Dotted paths in parent-before-child order; a child is only checked when its parent is present.
 * `M` names the message the shape is for (type-level only), so a table entry cannot be filed
 * under another message's type.
 */
export type Shape<M = never> = Record<string, Check> & { readonly __for?: M };

// --- field specs, checked against the message types at compile time ----------------------------
// A spec is `'path:code path.child:code? …'`. Each path must name a field of the message type in
// messages.ts (or client-messages.ts) and each code a check in `base` that fits the field's type, so
// renaming a field there, or changing its type, fails to compile in decode.ts, with the error naming
// the field (e.g. `no field "agent_respons"`, `check "s" does not fit the type of event_id`).

type Code = keyof typeof base;
/** What passes code C's check: the type its test guards. */
type Passes<C extends Code> = (typeof base)[C]['test'] extends (v: unknown) => v is infer G ? G : never;
/** The widest field type C may check: what it passes, read-only arrays allowed; `o` any object. */
type Kind<C extends Code> = C extends 'o'
  ? object
  : C extends 'a' | 'S' | 'N'
    ? Readonly<Passes<C>>
    : Passes<C>;
/**
 * Whether code C fits a field of type F (undefined left out, and null unless C passes null): F is
 * of C's kind, and every value C passes is an F. So `s` fits `string` but not `number` nor a union
 * of string literals (`part` does), `n?` fits `number | null`. `o` only tests for an object, so it
 * fits any object field that is not an array (its children are checked by their own paths), and `a`
 * any array field.
 */
type Fits<C extends Code, F> = [F] extends [Kind<C>]
  ? C extends 'o'
    ? [Extract<F, readonly unknown[]>] extends [never]
      ? true
      : false
    : [Passes<C>] extends [F]
      ? true
      : false
  : false;
/** The type of the field at a dotted path of T (one or two levels). */
type FieldAt<T, P extends string> = P extends keyof T
  ? T[P]
  : P extends `${infer A extends keyof T & string}.${infer B}`
    ? B extends keyof NonNullable<T[A]>
      ? NonNullable<T[A]>[B]
      : never
    : never;
type Bare<C extends string> = C extends `${infer B}?` ? B : C;
type ServerMsg<K extends ServerMessageType> = Extract<ServerMessage, { type: K }>;
type ClientMsg<K extends ClientMessageType> = Extract<ClientMessage, { type: K }>;
type SubPath<T, K extends keyof T & string> =
  NonNullable<T[K]> extends readonly unknown[]
    ? never
    : NonNullable<T[K]> extends object
      ? `${K}.${keyof NonNullable<T[K]> & string}`
      : never;
/** The fields of T and of its object fields, as dotted paths (the tables go two levels deep). */
type Paths<T> = { [K in keyof T & string]: K | SubPath<T, K> }[keyof T & string];
type FieldOk<F extends string, T> = F extends `${infer P}:${infer C}`
  ? P extends Paths<T>
    ? Bare<C> extends Code
      ? Fits<
          Bare<C>,
          Exclude<FieldAt<T, P>, undefined | (null extends Passes<Bare<C>> ? never : null)>
        > extends true
        ? true
        : `check "${C}" does not fit the type of ${P}`
      : `unknown check "${C}" on ${P}`
    : `no field "${P}"`
  : `not path:code: "${F}"`;
/** `S` when every field of the spec is right for T; otherwise what is wrong with the first bad one. */
type Spec<S extends string, T> = S extends ''
  ? S
  : S extends `${infer F} ${infer R}`
    ? FieldOk<F, T> extends true
      ? Spec<R, T> extends R
        ? S
        : Spec<R, T>
      : FieldOk<F, T>
    : FieldOk<S, T> extends true
      ? S
      : FieldOk<S, T>;
export type Checked<S extends string, T> = S extends Spec<S, T> ? S : Spec<S, T>;

/** `'field:code other.child:code?'` -> a Shape, each path prefixed with `prefix`. */
export function fields(spec: string, prefix = ''): Shape {
  const shape: Shape = {};
  for (const field of spec.split(' ')) {
    if (!field) continue;
    const [path, code] = field.split(':');
    shape[prefix + path!] = c(code!);
  }
  return shape;
}

/**
 * A server event of message type M: the object `root` (required unless rootCode says `o?`) and its
 * fields. Called as `ev<'audio'>()('audio_event', 'event_id:n …')`: the type argument says which
 * message, and the second call infers and checks the root and the spec against it.
 */
export const ev =
  <M extends ServerMessageType>() =>
  <R extends keyof ServerMsg<M> & string, S extends string = ''>(
    root: R,
    spec?: S extends Spec<S, NonNullable<ServerMsg<M>[R]>> ? S : Spec<S, NonNullable<ServerMsg<M>[R]>>,
    rootCode: 'o' | 'o?' = 'o',
  ): Shape<M> => ({
    [root]: c(rootCode),
    ...fields(spec ?? '', root + '.'),
  });

/** A client message's top-level fields, checked like `ev`'s. */
export const top =
  <M extends ClientMessageType>() =>
  <S extends string>(spec: Checked<S, ClientMsg<M>>): Shape<M> =>
    fields(spec);

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'string'
    ? `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`
    : typeof v;
}

/** A field that fails its check: the decoder reports it as a DecodeError of the same kind. */
interface FieldProblem {
  kind: 'missing_field' | 'invalid_field';
  field: string;
  detail: string;
}

/** Returns the first failing field, or undefined when the object matches the shape. */
export function checkShape(obj: Record<string, unknown>, shape: Shape<unknown>): FieldProblem | undefined {
  for (const path in shape) {
    const check = shape[path]!;
    const keys = path.split('.');
    let parent: unknown = obj;
    for (let i = 0; i < keys.length - 1; i++) parent = isObject(parent) ? parent[keys[i]!] : undefined;
    // An optional parent that is absent: its children are not required.
    if (!isObject(parent)) continue;
    const value = parent[keys[keys.length - 1]!];
    if (value === undefined || (value === null && check.optional)) {
      if (check.optional) continue;
      // `null` is a valid value for a few enums (feedback score); let the test decide.
      if (value === null && check.test(null)) continue;
      return { kind: 'missing_field', field: path, detail: `${path}: required ${check.expect} is missing` };
    }
    if (!check.test(value)) {
      return {
        kind: 'invalid_field',
        field: path,
        detail: `${path}: expected ${check.expect}, got ${describe(value)}`,
      };
    }
  }
  return undefined;
}
