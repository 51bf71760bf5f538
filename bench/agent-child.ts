/**
 * The local agent in its own process for the agent benchmarks, so the clients that load it never
 * share its event loop. Started with `fork(..., { execArgv: ['--import', 'tsx'] })`; talks over IPC:
 * `{cmd:'reset'}` clears the lag histogram and latency samples, `{cmd:'stats'}` answers with them,
 * `{cmd:'window'}` answers with the lag and CPU since the previous window (or reset) and starts a new
 * one. Options come as JSON in argv[2].
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLocalAgent, type CreateLocalAgentOptions } from '../plugin/server/agent/index.js';
import { loadNpcDir } from '../plugin/server/npc-files.js';
import { until } from '../harness/poll.js';

const options = JSON.parse(process.argv[2] ?? '{}') as CreateLocalAgentOptions;
const { npcs } = await loadNpcDir('assets/npcs');
const agent = await createLocalAgent({ npcs, llm: false, ...options });
const RESOLUTION_MS = 5;
const lag = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
lag.enable();
// A second histogram for windows inside a measurement (IntervalHistograms cannot be added up).
const win = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
win.enable();
let cpuStart = process.cpuUsage();
let wallStart = performance.now();
let winCpu = process.cpuUsage();
let winStart = performance.now();
const net = (ns: number): number => Math.max(0, ns / 1e6 - RESOLUTION_MS);

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'reset') {
    lag.reset();
    win.reset();
    winCpu = process.cpuUsage();
    winStart = performance.now();
    agent.handler.metrics.turnToFirstAudioMs.clear();
    agent.handler.metrics.asrMs.clear();
    agent.handler.metrics.spokenTurns.decoded = agent.handler.metrics.spokenTurns.declined = 0;
    cpuStart = process.cpuUsage();
    wallStart = performance.now();
    process.send!({ cmd: 'reset' });
  } else if (m.cmd === 'stats') {
    const cpu = process.cpuUsage(cpuStart);
    process.send!({
      cmd: 'stats',
      sessions: agent.handler.sessions,
      // The histogram records whole timer intervals; the lag is what exceeds the 5 ms period.
      lagMs: {
        p50: Math.max(0, lag.percentile(50) / 1e6 - RESOLUTION_MS),
        p99: Math.max(0, lag.percentile(99) / 1e6 - RESOLUTION_MS),
        max: Math.max(0, lag.max / 1e6 - RESOLUTION_MS),
      },
      cpuPercent: ((cpu.user + cpu.system) / 1000 / (performance.now() - wallStart)) * 100,
      rssMb: process.memoryUsage().rss / 1e6,
      turnToFirstAudioMs: agent.handler.metrics.turnToFirstAudioMs.all(),
      asrMs: agent.handler.metrics.asrMs.all(),
      spokenTurns: agent.handler.metrics.spokenTurns,
      engine: (agent.handler.health() as { speech: { engine: string } }).speech.engine,
      recognizer: (agent.handler.health() as { recognizer: { name: string | null } }).recognizer.name,
    });
  } else if (m.cmd === 'window') {
    const cpu = process.cpuUsage(winCpu);
    const ms = performance.now() - winStart;
    process.send!({
      cmd: 'window',
      ms,
      lagMs: { p50: net(win.percentile(50)), p99: net(win.percentile(99)), max: net(win.max) },
      cpuPercent: ((cpu.user + cpu.system) / 1000 / ms) * 100,
    });
    win.reset();
    winCpu = process.cpuUsage();
    winStart = performance.now();
  } else if (m.cmd === 'close') {
    void agent.close().then(() => process.exit(0));
  }
});
// The bench that started this process is gone (crashed, killed): do not outlive it.
process.on('disconnect', () => process.exit(0));
// Measure the steady state: wait for the speech engine's background warm-up (a child that never warms
// exits with the reason, which the bench's AgentChild.start reports, instead of hanging).
await until(() => (agent.handler.health() as { speech: { warm: boolean } }).speech.warm, {
  what: "the speech engine's warm-up",
  timeout: 120_000,
  interval: 50,
});
process.send!({ cmd: 'ready', url: agent.url });
