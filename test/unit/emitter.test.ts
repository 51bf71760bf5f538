import { describe, expect, it } from 'vitest';
import { EventBus } from '../../plugin/common/emitter.js';

type Events = { hello: (who: string) => void; bye: () => void };

describe('the shared typed emitter (sessions, audio classes, NPC handles, the plugin)', () => {
  it('delivers to every subscription, unsubscribes exactly one, and once() fires once', () => {
    const bus = new EventBus<Events>();
    const got: string[] = [];
    const fn = (who: string) => got.push(who);
    const off1 = bus.on('hello', fn);
    bus.on('hello', fn); // the same function twice is two subscriptions
    bus.once('hello', (who) => got.push(`once:${who}`));
    bus.fire('hello', 'a');
    bus.fire('hello', 'b');
    expect(got).toEqual(['a', 'a', 'once:a', 'b', 'b']);
    off1();
    off1(); // harmless twice
    bus.fire('hello', 'c');
    expect(got.slice(5)).toEqual(['c']);
    expect(bus.listenerCount('hello')).toBe(1);
  });

  it('off(fn) removes all its subscriptions and leaves nothing behind', () => {
    const bus = new EventBus<Events>();
    const fn = () => {};
    bus.on('bye', fn);
    bus.on('bye', fn);
    expect(bus.has('bye')).toBe(true);
    expect(bus.eventNames()).toEqual(['bye']);
    bus.off('bye', fn);
    expect(bus.listenerCount()).toBe(0);
    expect(bus.eventNames()).toEqual([]);
  });

  it('off(fn) cancels a once(fn) that has not fired yet, and only that function', () => {
    const bus = new EventBus<Events>();
    const got: string[] = [];
    const fn = (who: string) => got.push(`fn:${who}`);
    const other = (who: string) => got.push(`other:${who}`);
    bus.once('hello', fn);
    bus.once('hello', other);
    bus.off('hello', fn);
    bus.fire('hello', 'a');
    bus.fire('hello', 'b');
    expect(got).toEqual(['other:a']);
    expect(bus.listenerCount()).toBe(0);
  });

  it('a throwing listener is reported and the others still run', () => {
    const reported: string[] = [];
    const bus = new EventBus<Events>((event, error) =>
      reported.push(`${event}: ${(error as Error).message}`),
    );
    const got: string[] = [];
    bus.on('hello', () => {
      throw new Error('game bug');
    });
    bus.on('hello', (who) => got.push(who));
    bus.fire('hello', 'x');
    expect(got).toEqual(['x']);
    expect(reported).toEqual(['hello: game bug']);
    bus.clear();
    expect(bus.listenerCount()).toBe(0);
  });
});
