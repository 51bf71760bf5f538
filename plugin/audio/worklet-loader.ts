const loaded = new WeakMap<BaseAudioContext, Map<string, Promise<void>>>();

/**
 * The worklet module could not be added from a Blob URL nor from a data: URL: on a page that
 * allows both, the browser has no AudioWorklet support worth the name, so the likely cause is the
 * page's Content-Security-Policy.
 */
class WorkletBlockedError extends Error {
  override readonly name = 'WorkletBlockedError';
  constructor(
    readonly processor: string,
    override readonly cause: unknown,
  ) {
    super(
      `The audio worklet "${processor}" could not load from a blob: or a data: URL. If the page sets a ` +
        `Content-Security-Policy, allow one of them for scripts (script-src blob: or script-src data:); ` +
        `without it NPC voices and the microphone cannot run. (${String((cause as Error)?.message ?? cause)})`,
    );
  }
}

/**
 * Adds a worklet module to a context once per context (a replaced Howler context needs it again).
 * Inline, so there is no extra file for a game to serve: a Blob URL (revoked after loading), and if
 * the page's Content-Security-Policy refuses blob: scripts, a data: URL. Both refused rejects with
 * a WorkletBlockedError that names the policy.
 */
export function loadWorklet(ctx: BaseAudioContext, name: string, moduleJs: string): Promise<void> {
  let forCtx = loaded.get(ctx);
  if (!forCtx) loaded.set(ctx, (forCtx = new Map()));
  let p = forCtx.get(name);
  if (!p) {
    p = addInline(ctx, name, moduleJs);
    forCtx.set(name, p);
    p.catch(() => forCtx.delete(name));
  }
  return p;
}

async function addInline(ctx: BaseAudioContext, name: string, js: string): Promise<void> {
  const url = URL.createObjectURL(new Blob([js], { type: 'text/javascript' }));
  try {
    await ctx.audioWorklet.addModule(url);
    return;
  } catch (blobError) {
    // A closed context fails either way: not the policy's fault, and not worth a second try.
    if ((ctx as AudioContext).state === 'closed') throw blobError;
    try {
      await ctx.audioWorklet.addModule(`data:text/javascript;charset=utf-8,${encodeURIComponent(js)}`);
    } catch {
      throw new WorkletBlockedError(name, blobError);
    }
  } finally {
    URL.revokeObjectURL(url);
  }
}
