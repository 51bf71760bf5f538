// Exposes the session and protocol helpers to the browser test; the page itself does nothing.
import { AgentSession, SessionError } from '../../../../plugin/session/index.js';
import { int16ToBase64, base64ToInt16 } from '../../../../plugin/protocol/index.js';

const sessionLab = { AgentSession, SessionError, int16ToBase64, base64ToInt16 };
/** The session page's test API: `window.sessionLab` (declared in test/types/window.ts). */
export type SessionLab = typeof sessionLab;
window.sessionLab = sessionLab;
window.__ready = true;
