/**
 * The page server of the browser benches that load both clients (ours and @elevenlabs/client) in
 * bench/pages/audio/: Vite over the repo, loopback only, the package's entries resolved to source.
 */
import { createServer } from 'vite';
import { packageAliases, repoRoot } from '../../harness/repo.js';

export async function startAudioPages(): Promise<{ base: string; close(): Promise<void> }> {
  const vite = await createServer({
    root: repoRoot,
    configFile: false,
    logLevel: 'error',
    resolve: { alias: packageAliases() },
    server: { host: '127.0.0.1', port: 0, hmr: false },
    // Own cache: other Vite servers on this root (tests running meanwhile) re-optimise the shared one.
    cacheDir: 'node_modules/.vite-bench-audio',
    optimizeDeps: { include: ['howler', '@elevenlabs/client'], noDiscovery: true, entries: [] },
  });
  await vite.listen();
  return { base: vite.resolvedUrls!.local[0]!.replace(/\/$/, ''), close: () => vite.close() };
}
