// Exposes the session and protocol helpers to the browser test; the page itself does nothing.
import { AgentSession } from '../../../../plugin/session/index.js';
import { int16ToBase64, base64ToInt16 } from '../../../../plugin/protocol/index.js';

(window as any).lab = { AgentSession, int16ToBase64, base64ToInt16 };
(window as any).__ready = true;
