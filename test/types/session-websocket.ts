/**
 * Type-level: both WebSocket implementations the session is documented with fit its injection point
 * without a cast (the README examples compile as written).
 */
import WebSocket from 'ws';
import type { AgentSessionOptions, WebSocketConstructor } from '../../plugin/session/index.js';

export const nodeWs: WebSocketConstructor = WebSocket;
export const browserWs: WebSocketConstructor = globalThis.WebSocket;
export const fetchFits: NonNullable<AgentSessionOptions['fetch']> = globalThis.fetch;
