// Placeholder until the owning issue lands this command.
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('voice-agents validate: not implemented yet\n');
  return 1;
}
