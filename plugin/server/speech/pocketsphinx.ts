/**
 * Recognizer adapter for Debian's `pocketsphinx_continuous` (BSD; `apt-get install pocketsphinx
 * pocketsphinx-en-us`). The generic language model is useless on game speech, but a JSGF grammar
 * built from the NPC's own phrases recognized 95-100 % of words (shared/reference/local-speech.md),
 * so each NPC gets its own grammar. One process per utterance is started when the player starts
 * speaking and fed live, so decoding is finished almost as soon as the turn ends.
 *
 * `-dither yes`: digital silence (exact zeros, as a muted or gated microphone sends) otherwise
 * throws the decoder's energy normalisation off and one LSB of noise flips the result.
 * `-infile /dev/stdin` needs a real pipe (Node's stdio is a socket: ENXIO), hence `cat |`.
 * A grammar always maps audio onto some in-grammar phrase, so the grammar has a garbage path of
 * common words: unrelated speech then tends to come out as words no reply matches (the fallback).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Recognizer, RecognizerHints, RecognizerStream } from './recognizer.js';

export interface PocketsphinxOptions {
  binary?: string;
  modelDir?: string;
  /** Give up on one utterance after this long (ms). */
  timeoutMs?: number;
}

const CARRIERS = [
  'do you sell',
  'do you have',
  'do you know',
  'tell me about',
  'what about',
  'where is',
  'where are',
  'what is',
  'who is',
  'how much is',
  'how much are',
  'can i have',
  'can i buy',
  'i want',
  'i need',
  'i would like',
  'i am looking for',
  'show me',
];
const GARBAGE = [
  'the',
  'a',
  'and',
  'is',
  'it',
  'that',
  'what',
  'this',
  'to',
  'of',
  'in',
  'you',
  'i',
  'we',
  'they',
  'yes',
  'no',
  'okay',
  'well',
  'so',
  'but',
  'my',
  'me',
  'now',
  'there',
  'here',
  'good',
  'time',
  'day',
  'one',
  'go',
  'get',
  'make',
  'see',
  'think',
  'know',
  'like',
  'just',
  'very',
  'some',
];

export function normalizeWords(s: string): string[] {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** A JSGF grammar of the NPC's phrases; words missing from the pronunciation dictionary are dropped. */
export function buildJsgfGrammar(
  hints: RecognizerHints,
  inDictionary: (word: string) => boolean,
): string | null {
  const phrases = new Set<string>();
  for (const p of [...hints.phrases, ...hints.keywords]) {
    const words = normalizeWords(p);
    if (words.length && words.every(inDictionary)) phrases.add(words.join(' '));
    // Players say "potions" when the file says "potion".
    const plural = words.length === 1 ? `${words[0]}s` : '';
    if (plural && inDictionary(plural) && inDictionary(words[0]!)) phrases.add(plural);
  }
  if (phrases.size === 0) return null;
  const carriers = CARRIERS.filter((c) => normalizeWords(c).every(inDictionary));
  const garbage = GARBAGE.filter(inDictionary);
  const alt = (xs: Iterable<string>): string => [...xs].join(' | ');
  return [
    '#JSGF V1.0;',
    'grammar npc;',
    `<phrase> = ${alt(phrases)};`,
    `<carrier> = ${alt(carriers)};`,
    `<garbage> = ${alt(garbage)};`,
    // Phrases and garbage words interleave: off-topic speech comes out as garbage words that match
    // no reply (so the NPC falls back) instead of being forced onto the nearest phrase.
    'public <utt> = [hello | hey | excuse me] [<carrier>] [the | a | some | your | any] (<phrase> | <garbage>)+ [please];',
    '',
  ].join('\n');
}

export function createPocketsphinxRecognizer(options: PocketsphinxOptions = {}): Recognizer | null {
  const binary = options.binary ?? 'pocketsphinx_continuous';
  const modelDir = options.modelDir ?? '/usr/share/pocketsphinx/model/en-us';
  const hmm = join(modelDir, 'en-us');
  const dictPath = join(modelDir, 'cmudict-en-us.dict');
  if (!existsSync(hmm) || !existsSync(dictPath)) return null;
  const probe = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  if (probe.status !== 0) return null;
  const timeoutMs = options.timeoutMs ?? 8000;

  let dictionary: Set<string> | null = null;
  const inDictionary = (w: string): boolean => {
    if (!dictionary) {
      dictionary = new Set();
      for (const line of readFileSync(dictPath, 'utf8').split('\n')) {
        const sp = line.indexOf(' ');
        if (sp > 0) dictionary.add(line.slice(0, sp).replace(/\(\d+\)$/, ''));
      }
    }
    return dictionary.has(w);
  };
  const dir = mkdtempSync(join(tmpdir(), 'voice-agents-asr-'));
  const grammars = new Map<string, string | null>();
  const grammarFile = (hints: RecognizerHints): string | null => {
    const key = createHash('sha1').update(JSON.stringify(hints)).digest('hex').slice(0, 16);
    if (!grammars.has(key)) {
      const g = buildJsgfGrammar(hints, inDictionary);
      let file: string | null = null;
      if (g) {
        file = join(dir, `${key}.gram`);
        writeFileSync(file, g);
      }
      grammars.set(key, file);
    }
    return grammars.get(key) ?? null;
  };

  return {
    name: 'pocketsphinx (JSGF grammar from the NPC file)',
    start(hints, onPartial): RecognizerStream {
      const gram = grammarFile(hints);
      const lmArgs = gram ? `-jsgf '${gram}'` : `-lm '${join(modelDir, 'en-us.lm.bin')}'`;
      const cmd = `cat | exec ${binary} -infile /dev/stdin -hmm '${hmm}' -dict '${dictPath}' ${lmArgs} -dither yes -logfn /dev/null`;
      const child = spawn('sh', ['-c', cmd], { stdio: ['pipe', 'pipe', 'ignore'] });
      const lines: string[] = [];
      let buffered = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        buffered += d;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) {
            lines.push(line);
            onPartial?.(lines.join(' '));
          }
        }
      });
      // A dead decoder must not take the conversation down: writes after exit are swallowed.
      child.stdin.on('error', () => {});
      child.on('error', () => {});
      const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
      let done = false;
      return {
        write(pcm) {
          if (done || child.stdin.destroyed) return;
          child.stdin.write(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
        },
        async finish() {
          if (done) return '';
          done = true;
          child.stdin.end();
          const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
          await exited;
          clearTimeout(timer);
          if (buffered.trim()) lines.push(buffered.trim());
          return lines.join(' ').trim();
        },
        cancel() {
          if (done) return;
          done = true;
          child.stdin.destroy();
          child.kill('SIGKILL');
        },
      };
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
