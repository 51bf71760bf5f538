/**
 * The options `push` and `pull` share, parsed the same way for both (so `--region=eu` and
 * `--region eu` mean the same thing in each), and the API base URL they lead to.
 */
import { envValue } from '../broker/env.js';
import { REGION_API } from './api.js';

export const REGIONS = Object.keys(REGION_API).join('|');

interface TargetArgs {
  dir: string;
  dryRun: boolean;
  force: boolean;
  baseUrl?: string;
  region?: string;
}

export function parseTargetArgs(argv: string[]): TargetArgs | string {
  const a: TargetArgs = { dir: '', dryRun: false, force: false };
  let dir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '--dry-run') a.dryRun = true;
    else if (x === '--force') a.force = true;
    else if (x === '--base-url') a.baseUrl = argv[++i] ?? '';
    else if (x.startsWith('--base-url=')) a.baseUrl = x.slice('--base-url='.length);
    else if (x === '--region') a.region = argv[++i] ?? '';
    else if (x.startsWith('--region=')) a.region = x.slice('--region='.length);
    else if (x.startsWith('-')) return `unknown option ${x}`;
    else if (dir === undefined) dir = x;
    else return `unexpected ${x}`;
  }
  if (a.baseUrl !== undefined && !/^https?:\/\//.test(a.baseUrl)) return '--base-url needs an http(s) URL';
  if (a.region !== undefined && !Object.hasOwn(REGION_API, a.region))
    return `--region must be one of ${REGIONS}`;
  if (a.region !== undefined && a.baseUrl !== undefined) return 'give --region or --base-url, not both';
  a.dir = dir ?? 'assets/npcs';
  return a;
}

/** --base-url, else the --region's host, else ELEVENLABS_BASE_URL, else the global host. */
export function baseUrlFor(a: TargetArgs): string {
  if (a.baseUrl !== undefined) return a.baseUrl;
  if (a.region !== undefined) return REGION_API[a.region]!;
  return envValue('ELEVENLABS_BASE_URL') ?? REGION_API.global!;
}
