/**
 * The figures of docs/design.md §8, each read from one benchmark's JSON: what it is, its target, and the
 * peer's figure where a peer does the same job (the official @elevenlabs/client). How a figure is
 * evaluated is figure.ts.
 */
import { num, type FigureDef, type Results } from './figure.js';

const OFFICIAL = '@elevenlabs/client 1.25';

/**
 * audio-latency and spoken-turn: median over a bench's runs (each a fresh browser) of each run's
 * median, and the range over runs, for one client.
 */
const audio = (metric: string, who: 'ours' | 'official', bench = 'audio-latency') => ({
  median: (r: Results) => num(r, bench, `metrics.${metric}.${who}.median`),
  range: (r: Results): [number, number] | undefined => {
    const lo = num(r, bench, `metrics.${metric}.${who}.min`);
    const hi = num(r, bench, `metrics.${metric}.${who}.max`);
    return lo === undefined || hi === undefined ? undefined : [lo, hi];
  },
});
const OVER_RUNS =
  "median over runs (each a fresh browser, both clients' trials alternating) of each run's median";
const runsOf = (r: Results) => {
  const runs = (r['audio-latency'] as { runs?: unknown } | undefined)?.runs;
  return Array.isArray(runs) ? runs.length : undefined;
};

/** One audio-latency figure: ours and the official client's, each the median over runs with its range. */
function audioFigure(
  metric: string,
  key: string,
  what: string,
  target: number,
  targetText: string,
): FigureDef {
  return {
    metric,
    definition: `${OVER_RUNS}, ${what}`,
    bench: 'audio-latency',
    unit: 'ms',
    goal: 'max',
    target,
    targetText,
    value: audio(key, 'ours').median,
    range: audio(key, 'ours').range,
    peer: audio(key, 'official').median,
    peerRange: audio(key, 'official').range,
    peerName: OFFICIAL,
  };
}

export const FIGURES: FigureDef[] = [
  audioFigure(
    'mic-to-wire',
    'micToWireMs',
    'sound enters the mic → its chunk leaves on the WebSocket (Chromium)',
    25,
    '≤ 25 ms (one 20 ms chunk + 5 ms)',
  ),
  audioFigure(
    'wire-to-ear',
    'wireToEarMs',
    'first audio frame of a turn received → level at the output tap',
    6,
    '≤ 6 ms',
  ),
  audioFigure(
    'barge-in-to-silence',
    'bargeInToSilenceMs',
    '`interruption` received → output 40 dB down',
    30,
    '≤ 30 ms',
  ),
  {
    metric: 'mic-to-wire: runs ours below the official client',
    definition: "share of the runs in which our median mic-to-wire was below the official client's",
    bench: 'audio-latency',
    unit: '% of runs',
    goal: 'min',
    target: 90,
    targetText: '≥ 9 of 10 runs',
    value: (r) => {
      const lower = num(r, 'audio-latency', 'metrics.micToWireMs.oursLowerRuns');
      const n = runsOf(r);
      return lower === undefined || !n ? undefined : (100 * lower) / n;
    },
  },
  {
    metric: 'wire-to-ear: ours minus the official client',
    definition: "median over runs, ours minus the official client's (same runs)",
    bench: 'audio-latency',
    unit: 'ms',
    goal: 'max',
    target: 1,
    targetText: '≤ 1 ms above the official client',
    value: (r) => {
      const o = num(r, 'audio-latency', 'metrics.wireToEarMs.ours.median');
      const f = num(r, 'audio-latency', 'metrics.wireToEarMs.official.median');
      return o === undefined || f === undefined ? undefined : Math.round((o - f) * 100) / 100;
    },
  },
  {
    metric: 'switch-to-greeting (prewarmed)',
    definition: 'player crosses the radius → greeting audible, conversation prewarmed',
    bench: 'switch-greeting',
    unit: 'ms',
    goal: 'max',
    target: 150,
    targetText: '≤ 150 ms',
    value: (r) =>
      num(r, 'switch-greeting', 'prewarmed.median') ?? num(r, 'switch-greeting', 'prewarmedMs.median'),
  },
  {
    metric: 'switch-to-greeting (cold)',
    definition: 'player crosses the radius → greeting audible, no prewarm',
    bench: 'switch-greeting',
    unit: 'ms',
    goal: 'max',
    target: 400,
    targetText: '≤ 400 ms',
    value: (r) => num(r, 'switch-greeting', 'cold.median') ?? num(r, 'switch-greeting', 'coldMs.median'),
  },
  {
    metric: 'turn-to-first-audio',
    definition: 'median, end of the typed turn → first reply audio frame sent (local agent, eSpeak NG)',
    bench: 'agent-latency',
    unit: 'ms',
    goal: 'max',
    target: 150,
    targetText: '≤ 150 ms',
    value: (r) => num(r, 'agent-latency', 'typed.server.median'),
  },
  {
    metric: 'turn-to-first-audio (voice)',
    definition: 'median, VAD end of turn → first reply audio (pocketsphinx + eSpeak NG)',
    bench: 'agent-latency',
    unit: 'ms',
    goal: 'max',
    target: 150,
    targetText: '≤ 150 ms after the end-of-turn decision',
    value: (r) => num(r, 'agent-latency', 'voicePocketsphinx.serverFromVadEndOfTurn.median'),
  },
  {
    metric: 'typed understanding',
    definition:
      'share of typed lines (our set and the shared examples, each NPC met at its quest moment) that reach the right intent (`understanding`)',
    bench: 'understanding',
    unit: '%',
    goal: 'min',
    target: 90,
    targetText: '≥ 90 %',
    value: (r) => num(r, 'understanding', 'typed.accuracyPercent'),
  },
  {
    metric: 'spoken understanding',
    definition:
      'the same lines spoken by eSpeak NG (four voices, a little noise) at real time to pocketsphinx: right intent or an honest "say again" for off-topic (`understanding`)',
    bench: 'understanding',
    unit: '%',
    goal: 'min',
    target: 80,
    targetText: '≥ 80 %',
    value: (r) => num(r, 'understanding', 'spoken.accuracyPercent'),
  },
  {
    metric: 'wrong tools (typed + spoken)',
    definition:
      'tool calls a line did not ask for (a gate opened, an item given), typed and spoken together (`understanding`)',
    bench: 'understanding',
    unit: 'calls',
    goal: 'max',
    target: 0,
    targetText: '0',
    value: (r) => {
      const t = num(r, 'understanding', 'typed.wrongTools');
      const s = num(r, 'understanding', 'spoken.wrongTools');
      return t === undefined ? undefined : t + (s ?? 0);
    },
  },
  {
    metric: 'end of speech → first reply audio',
    definition:
      'median over the spoken lines, the last speech sample sent → first reply audio frame (`understanding`)',
    bench: 'understanding',
    unit: 'ms',
    goal: 'max',
    target: 600,
    targetText: '≤ 600 ms',
    value: (r) => num(r, 'understanding', 'spoken.endOfSpeechToFirstAudioMs.median'),
  },
  {
    metric: 'end of speech → first reply audio (browser)',
    definition: `${OVER_RUNS}, the line's last voiced sample enters the mic → first reply audio frame at the page, questions to Mira turn after turn in one conversation, local agent with its default turn detection; ours as a game runs it, the official client in voice mode (\`spoken-turn\`)`,
    bench: 'spoken-turn',
    unit: 'ms',
    goal: 'max',
    target: 600,
    targetText: '≤ 600 ms',
    value: audio('firstAudioMs', 'ours', 'spoken-turn').median,
    range: audio('firstAudioMs', 'ours', 'spoken-turn').range,
    peer: audio('firstAudioMs', 'official', 'spoken-turn').median,
    peerRange: audio('firstAudioMs', 'official', 'spoken-turn').range,
    peerName: OFFICIAL,
  },
  ...[200, 10_000].flatMap((n): FigureDef[] => {
    const target = n === 200 ? 0.1 : 1;
    const label = n.toLocaleString('en-US');
    return [
      {
        metric: `frame cost, ${label} NPCs`,
        definition:
          "median plugin work per game frame (the POST_UPDATE handler, each frame timed alone), Phaser 4 in Chromium, player walking past the NPCs at 3 px/frame: the median over 10 runs (a fresh page each, after a 600-frame warm-up walk) of each run's median frame",
        bench: 'frame-cost',
        unit: 'ms',
        goal: 'max',
        target,
        targetText: `≤ ${target} ms`,
        value: (r) => num(r, 'frame-cost', `browser.${n}.per_run.p50_ms.median`),
      },
      {
        metric: `frame cost p99, ${label} NPCs`,
        definition: 'p99 of single frames, same run (conversations opening and closing included)',
        bench: 'frame-cost',
        unit: 'ms',
        goal: 'max',
        target,
        targetText: `≤ ${target} ms`,
        value: (r) => num(r, 'frame-cost', `browser.${n}.p99_ms`),
      },
      {
        metric: `frame cost, ${label} NPCs, 8 bubbles`,
        definition:
          "median per frame with 8 NPCs talking around the player, 8 speech bubbles on screen (median over runs of each run's median)",
        bench: 'frame-cost',
        unit: 'ms',
        goal: 'max',
        target,
        targetText: `≤ ${target} ms`,
        value: (r) => num(r, 'frame-cost', `browser.crowd.${n}.per_run.p50_ms.median`),
      },
    ];
  }),
  {
    metric: 'local agent capacity (spoken)',
    definition:
      'last level of concurrent spoken conversations (VAD + pocketsphinx, 20 ms chunks) that held lag p99 ≤ 20 ms and real-time speech on 2 cores; the sweep went up until a level broke',
    bench: 'agent-capacity',
    unit: 'conversations',
    goal: 'min',
    target: 100,
    targetText: '≥ 100',
    value: (r) => num(r, 'agent-capacity', 'spoken.lastHeld'),
  },
  {
    metric: 'local agent capacity (typed)',
    definition: 'the same with typed questions (mic still streamed, no turns to recognize, recognizer off)',
    bench: 'agent-capacity',
    unit: 'conversations',
    goal: 'min',
    target: 100,
    targetText: '≥ 100',
    value: (r) => num(r, 'agent-capacity', 'typed.lastHeld'),
  },
  {
    metric: 'hostile clients: player reply, worst attack',
    definition:
      "the longest reply a well-behaved player waited for (typed question → agent_response and first audio) during any of issue 12's attacks, each run alone (a timeout counts as 10 s)",
    bench: 'hostile',
    unit: 'ms',
    goal: 'max',
    target: 2000,
    targetText: '≤ 2 s during every attack',
    value: (r) => num(r, 'hostile', 'headline.worstReplyMaxMs'),
  },
  {
    metric: 'hostile clients: agent peak RSS over baseline',
    definition: "the agent process's peak RSS during the worst attack, minus its RSS when quiet",
    bench: 'hostile',
    unit: 'MB',
    goal: 'max',
    target: 400,
    targetText: '< baseline + 400 MB',
    value: (r) => num(r, 'hostile', 'headline.worstRssOverBaselineMb'),
  },
  {
    metric: 'hostile clients: recognizer processes',
    definition:
      'peak pocketsphinx_batch processes under the agent over every attack (audio at 10x real time included), as a share of the pool (4 decoder processes per core)',
    bench: 'hostile',
    unit: '% of pool',
    goal: 'max',
    target: 100,
    targetText: 'never more than the pool',
    value: (r) => num(r, 'hostile', 'headline.peakRecognizersPercentOfPool'),
  },
  {
    metric: 'bundle',
    definition: 'browser entry, minified + gzip, without phaser/howler',
    bench: 'bundle-size',
    unit: 'KB',
    goal: 'max',
    target: 30,
    targetText: '≤ 30 KB',
    value: (r) => num(r, 'bundle-size', 'ours.gzipKb'),
    plausible: (kb) => kb > 1,
    peer: (r) => num(r, 'bundle-size', 'official.gzipKb'),
    peerName: OFFICIAL,
  },
  {
    metric: "bundle: a game's first download",
    definition:
      'what registering the plugin adds to a Vite app build of a scene, minified + gzip (issue 17 ceiling, 1 KB = 1,024 B)',
    bench: 'bundle-size',
    unit: 'KB',
    goal: 'max',
    target: 32,
    targetText: '≤ 32 KB',
    value: (r) => {
      const b = num(r, 'bundle-size', 'gameFirstDownload.gzipBytes');
      return b === undefined ? undefined : Math.round((b / 1024) * 100) / 100;
    },
    plausible: (kb) => kb > 1,
  },
  {
    metric: 'memory: Node heap growth',
    definition: '30 simulated minutes of conversation, session + local agent, after forced GC',
    bench: 'soak',
    unit: 'MB',
    goal: 'max',
    target: 5,
    targetText: '< 5 MB, constant',
    value: (r) => num(r, 'soak', 'node.heapGrowthMb'),
  },
  {
    metric: 'memory: browser JS heap growth',
    definition: 'many turns through the plugin audio path in Chromium, after CDP collectGarbage',
    bench: 'soak',
    unit: 'MB',
    goal: 'max',
    target: 5,
    targetText: '< 5 MB, constant',
    value: (r) => num(r, 'soak', 'browser.heapGrowthMb'),
  },
  {
    metric: 'memory: live AudioNodes after',
    definition: 'AudioNodes created and not yet disconnected, after all turns, minus before',
    bench: 'soak',
    unit: 'nodes',
    goal: 'max',
    target: 0,
    targetText: 'constant (0 more than before)',
    value: (r) => num(r, 'soak', 'browser.liveNodesGrowth'),
  },
];
