/**
 * `voice-agents agent [--port N] [--host H] [--npcs DIR] [--engine auto|espeak-ng|babble] [--no-asr]
 * [--allow-host NAME]... [--allow-origin URL]...`:
 * the offline local agent on its own port (default 8787, or $PORT). Prints its URL, what it can do
 * and which NPC files it loaded, then runs until Ctrl+C.
 */
import { resolve } from 'node:path';
import { createLocalAgent } from '../agent/index.js';
import type { EngineChoice } from '../speech/index.js';
import { loadNpcDir } from '../npc-files.js';

const HELP = `usage: voice-agents agent [options]

  --port N       port (default: $PORT or 8787; 0 = any free port)
  --host H       interface (default 127.0.0.1; 0.0.0.0 to reach it from other machines)
  --npcs DIR     folder of *.npc.yaml files (default: assets/npcs)
  --engine E     speech engine: auto (default), espeak-ng, babble
  --no-asr       do not use a speech recognizer even if pocketsphinx is installed
  --allow-host NAME    a host name to answer to besides localhost (repeatable; '.example.com'
                       allows it and its subdomains); others get 403 (DNS rebinding)
  --allow-origin URL   a page origin allowed to talk to the agent besides localhost pages (repeatable)

An OpenAI-compatible LLM replaces the NPC reply rules when VOICE_AGENTS_LLM_BASE_URL is set
(with VOICE_AGENTS_LLM_MODEL and VOICE_AGENTS_LLM_API_KEY).
`;

function options(argv: string[], name: string): string[] {
  const out: string[] = [];
  argv.forEach((a, i) => {
    if (a === name && argv[i + 1] !== undefined) out.push(argv[i + 1]!);
    else if (a.startsWith(`${name}=`)) out.push(a.slice(name.length + 1));
  });
  return out;
}

function option(argv: string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const a = argv[i]!;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  const portText = option(argv, '--port') ?? process.env.PORT ?? '8787';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`voice-agents agent: --port must be a number from 0 to 65535, got "${portText}"\n`);
    return 2;
  }
  const engine = (option(argv, '--engine') ?? 'auto') as EngineChoice;
  if (!['auto', 'espeak-ng', 'babble'].includes(engine)) {
    process.stderr.write(`voice-agents agent: --engine must be auto, espeak-ng or babble, got "${engine}"\n`);
    return 2;
  }
  const dir = resolve(option(argv, '--npcs') ?? 'assets/npcs');
  const loaded = await loadNpcDir(dir);
  for (const e of loaded.errors) process.stderr.write(`${e.file}:${e.line}:${e.column} ${e.message}\n`);
  for (const w of loaded.warnings)
    process.stderr.write(`${w.file}:${w.line}:${w.column} warning: ${w.message}\n`);

  const agent = await createLocalAgent({
    port,
    host: option(argv, '--host') ?? '127.0.0.1',
    npcs: loaded.npcs,
    speechEngine: engine,
    recognizer: argv.includes('--no-asr') ? 'none' : 'auto',
    access: {
      allowedHosts: options(argv, '--allow-host'),
      allowedOrigins: options(argv, '--allow-origin'),
    },
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const h = agent.handler.health() as {
    speech: { engine: string; licence: string; fallbackReason?: string };
    recognizer: { available: boolean; name: string | null; hint?: string };
    brain: string;
  };
  const out: string[] = [];
  out.push(`local agent listening on ${agent.url}/v1/convai/conversation`);
  out.push(`  health:     ${agent.httpUrl}/voice-agents/health`);
  out.push(`  signed URL: ${agent.httpUrl}/v1/convai/conversation/get-signed-url?agent_id=<npc id>`);
  out.push(
    `  speech:     ${h.speech.engine} (${h.speech.licence})${h.speech.fallbackReason ? ` — ${h.speech.fallbackReason}` : ''}`,
  );
  out.push(`  recognizer: ${h.recognizer.available ? h.recognizer.name : `none (${h.recognizer.hint})`}`);
  out.push(`  replies:    ${h.brain}`);
  const files = loaded.files.filter((f) => f.npc);
  out.push(`  NPC files (${files.length} from ${dir}):`);
  for (const f of files) out.push(`    ${f.file}  →  agent_id=${f.npc!.id}  (${f.npc!.name})`);
  if (files.length === 0) out.push('    none: every agent_id gets the default persona');
  process.stdout.write(out.join('\n') + '\n');

  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void agent.close().then(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
