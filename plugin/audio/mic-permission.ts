/**
 * Calls `revoked` when the microphone permission stops being granted (Permissions API 'change').
 * Resolves to the function that stops watching, or null where the browser cannot query
 * 'microphone' (Firefox, older Safari): there the track's 'ended' event still covers revocation.
 */
export async function watchMicPermission(revoked: () => void): Promise<(() => void) | null> {
  try {
    const status = await navigator.permissions?.query({ name: 'microphone' as PermissionName });
    if (!status) return null;
    // Chrome reports a reset permission as 'prompt' (and then ends the track); either way the
    // grant is gone, which the game should show as such rather than as an unplugged device.
    status.onchange = () => {
      if (status.state !== 'granted') revoked();
    };
    return () => {
      status.onchange = null;
    };
  } catch {
    return null;
  }
}
