// Pure bubble lifetime: visible while the turn plays, held long enough to read, then faded.

interface FadeOptions {
  /** Minimum time a finished bubble stays fully visible. */
  holdMs?: number;
  /** Extra hold per character, so long lines can be read. */
  holdPerCharMs?: number;
  fadeMs?: number;
}

/** How long a finished bubble of `chars` characters stays fully visible. */
export function bubbleHoldMs(chars: number, o: FadeOptions = {}): number {
  return Math.min(8000, (o.holdMs ?? 1200) + chars * (o.holdPerCharMs ?? 40));
}

/** Alpha of a bubble `sinceEndMs` after its speech ended (Infinity-safe); 0 means remove it. */
export function bubbleAlpha(sinceEndMs: number, chars: number, o: FadeOptions = {}): number {
  const hold = bubbleHoldMs(chars, o);
  const fade = o.fadeMs ?? 400;
  if (sinceEndMs <= hold) return 1;
  if (sinceEndMs >= hold + fade) return 0;
  return 1 - (sinceEndMs - hold) / fade;
}
