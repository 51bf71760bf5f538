import type { DecodeError, EndReason, ServerErrorInfo } from '../protocol/index.js';

export type SessionErrorKind =
  /** Bad options (no WebSocket implementation, unusable URL). */
  | 'config'
  /** `connect()` called twice, or a method that needs an open conversation called without one. */
  | 'invalid_state'
  /** `connect()` failed; `endReason` says why. */
  | 'connect_failed'
  /** `close()` was called while `connect()` was pending. */
  | 'aborted'
  /** A frame the session could not read (malformed, missing field, undecodable audio). Non-fatal. */
  | 'protocol'
  /** The server sent an `error` frame. The close that usually follows ends the conversation. */
  | 'server';

/** Every error the session throws or emits. `kind` is stable; `message` is for people. */
export class SessionError extends Error {
  override readonly name = 'SessionError';
  readonly kind: SessionErrorKind;
  /** For `connect_failed` / `aborted`: how the conversation ended. */
  readonly endReason?: EndReason;
  /** For `protocol`: what the decoder said. */
  readonly decodeError?: DecodeError;
  /** For `server`: the error frame, whichever shape it came in. */
  readonly serverError?: ServerErrorInfo;

  constructor(
    kind: SessionErrorKind,
    message: string,
    details: {
      endReason?: EndReason;
      decodeError?: DecodeError;
      serverError?: ServerErrorInfo;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    if (details.endReason) this.endReason = details.endReason;
    if (details.decodeError) this.decodeError = details.decodeError;
    if (details.serverError) this.serverError = details.serverError;
  }
}
