/**
 * A value fetched once on first use, such as a chunk behind a dynamic import: every caller shares
 * one fetch, and a failed fetch is forgotten so the next call tries again (a dropped connection
 * must not leave the game without a microphone until reload; browsers following the current HTML
 * spec, Chromium among them, fetch a failed import() again).
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () =>
    (pending ??= load().catch((e: unknown) => {
      pending = null;
      throw e;
    }));
}
