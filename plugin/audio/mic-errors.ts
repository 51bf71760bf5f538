/** Typed microphone failures the game can show (the mic is closed when one is emitted). */
export type MicErrorKind =
  /** The player (or a policy) refused the microphone. */
  | 'denied'
  /** No audio input device exists. */
  | 'no-device'
  /** The device disappeared mid-conversation (track 'ended'): unplugged, or taken by the OS. */
  | 'unplugged'
  /** The permission was revoked after it had been granted (Permissions API 'change'). */
  | 'revoked'
  /** No getUserMedia (insecure origin, old browser). */
  | 'unsupported'
  /** Anything else (device busy, worklet failure); see `cause`. */
  | 'failed';

export class MicError extends Error {
  constructor(
    readonly kind: MicErrorKind,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'MicError';
  }
}

/** Maps a getUserMedia rejection to a typed error. */
export function classify(err: unknown): MicError {
  const name = (err as { name?: string } | null)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError')
    return new MicError('denied', 'Microphone access was denied.', err);
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError')
    return new MicError('no-device', 'No microphone was found.', err);
  return new MicError('failed', `The microphone could not be opened: ${String(err)}`, err);
}
