// Browser code for the test pages (no imports): every microphone stream a page opened, kept so a test
// can check that its tracks were stopped.

/**
 * Patches navigator.mediaDevices.getUserMedia to keep every stream it hands out, in order, calling
 * `onRequest` as each request is made. Returns the streams (the array fills as they open).
 */
export function keepMicStreams(onRequest?: () => void): MediaStream[] {
  const streams: MediaStream[] = [];
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    onRequest?.();
    const s = await gum(c);
    streams.push(s);
    return s;
  };
  return streams;
}
