/**
 * The front every command shares: `--help`/`-h` prints the usage (exit 0); a parse error prints
 * `voice-agents <name>: <problem>` and the usage to stderr (exit 2). Returns the parsed arguments,
 * or the exit code to return at once.
 */
export function commandArgs<T>(
  name: string,
  argv: string[],
  usage: string,
  parse: (argv: string[]) => T | string,
): { args: T } | { exit: number } {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage);
    return { exit: 0 };
  }
  const args = parse(argv);
  if (typeof args === 'string') {
    process.stderr.write(`voice-agents ${name}: ${args}\n\n${usage}`);
    return { exit: 2 };
  }
  return { args };
}
