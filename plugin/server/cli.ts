#!/usr/bin/env node
/**
 * `voice-agents <command>`: each command lives in ./commands/<name>.ts and exports
 * `run(argv: string[]): Promise<number>` (the exit code), so commands stay independent.
 */
const COMMANDS: Record<
  string,
  { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }
> = {
  agent: {
    summary: 'start the offline local agent (ConvAI-compatible WebSocket server)',
    load: () => import('./commands/agent.js'),
  },
  init: {
    summary: 'set up an existing Vite project: the Vite plugin, an example NPC file, the types',
    load: () => import('./commands/init.js'),
  },
  validate: {
    summary: 'check every NPC prompt file in a folder',
    load: () => import('./commands/validate.js'),
  },
  push: {
    summary: 'create or update one ElevenLabs agent per NPC file',
    load: () => import('./commands/push.js'),
  },
  pull: {
    summary: 'write dashboard edits of pushed agents back into their NPC files',
    load: () => import('./commands/pull.js'),
  },
  serve: {
    summary: 'serve a production build with the broker and the local agent',
    load: () => import('./commands/serve.js'),
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: voice-agents <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`voice-agents: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return (await command.load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`voice-agents: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
