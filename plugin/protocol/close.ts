/**
 * Close codes (as the official JS client names them) and how a conversation's end is reported. The mapping is pure so the local agent
 * and the session agree on it.
 */
import type { ServerErrorInfo } from './messages.js';

export const CloseCode = {
  /** Normal: agent ended, max duration reached, or the client ended ("User ended conversation"). */
  Normal: 1000,
  GoingAway: 1001,
  /** Operational error: LLM timeout, quota, misconfigured agent, no input for 60 s, … */
  ProtocolError: 1002,
  /** Set by the WebSocket implementation when a close frame had no code. Never sent. */
  NoStatus: 1005,
  /** Set by the WebSocket implementation when the connection dropped without a close frame. Never sent. */
  Abnormal: 1006,
  /** Input, contract, auth or validation: override not allowed, missing dynamic variable, … */
  PolicyViolation: 1008,
  /** Internal server error. */
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  BadGateway: 1014,
  /** Observed: "Request error" right after open (stale agent branch). */
  RequestError: 3000,
} as const;

/** What went wrong when a conversation ended in error. */
export type EndErrorKind =
  /** 1008 "Override for field '…' is not allowed by config." */
  | 'override'
  /** 1008: the agent uses a dynamic variable that was not supplied. */
  | 'dynamic_variable'
  /** 1008/3000 other validation, auth or configuration problems. */
  | 'config'
  /** 1002 "This request exceeds your quota limit." */
  | 'quota'
  /** `max_duration_exceeded` (the close itself is 1000). */
  | 'max_duration'
  /** 1002 other operational errors (LLM timeout, misconfigured agent, input timeout). */
  | 'operational'
  /** 1011. */
  | 'internal'
  /** The connection dropped or could not be made (1006, 1001, 1012, 1014, socket error). Retried. */
  | 'connection'
  /** The agent's concurrency stayed full: `queue_status` timed_out, then the close. Not retried. */
  | 'busy'
  /** The server or the broker asked us to slow down (1013, HTTP 429). Retried after a wait. */
  | 'rate_limited'
  /** No `conversation_initiation_metadata` within the timeout. */
  | 'metadata_timeout'
  /** The signed-URL broker failed or answered something unusable. */
  | 'broker'
  /** Every reconnect attempt failed; `message` carries the last attempt's cause. */
  | 'reconnect_failed'
  /** The server broke the protocol (e.g. its first frame could not be read). */
  | 'protocol'
  | 'unknown';

/** Why a conversation ended: by us, by the agent, or in error (with the close code and reason). */
export type EndReason =
  | { kind: 'user'; code: number; reason: string }
  | { kind: 'agent'; code: number; reason: string; via: 'close' | 'end_call' }
  | {
      kind: 'error';
      error: EndErrorKind;
      /** Close code, or 1006 when the socket never delivered one. */
      code: number;
      reason: string;
      /** Human-readable: the close reason, else the preceding error frame's message, else a default. */
      message: string;
      /** `error_type` of the error frame that preceded the close, if any. */
      errorType?: string;
    };

export interface CloseInfo {
  code: number;
  reason: string;
  /** The last `error` frame received before the close, if any. */
  lastError?: ServerErrorInfo;
}

const DEFAULT_MESSAGES: Partial<Record<EndErrorKind, string>> = {
  connection: 'The connection to the agent was lost.',
  rate_limited: 'The agent service asked to try again later.',
  internal: 'The agent service had an internal error.',
};

function endError(error: EndErrorKind, info: CloseInfo): EndReason {
  const message =
    info.reason ||
    info.lastError?.message ||
    DEFAULT_MESSAGES[error] ||
    `The connection was closed by the server (code ${info.code}).`;
  const reason: EndReason = { kind: 'error', error, code: info.code, reason: info.reason, message };
  if (info.lastError?.errorType) reason.errorType = info.lastError.errorType;
  return reason;
}

/** Maps a server-side (or network) close to an end reason. Closes we initiated are not passed here. */
export function classifyClose(info: CloseInfo): EndReason {
  const { code, reason, lastError } = info;
  const text = `${reason} ${lastError?.message ?? ''}`;
  const errorType = lastError?.errorType;
  if (errorType === 'max_duration_exceeded') return endError('max_duration', info);
  switch (code) {
    case CloseCode.Normal:
      return { kind: 'agent', code, reason, via: 'close' };
    case CloseCode.PolicyViolation:
      if (errorType === 'override_error' || /override for field/i.test(text))
        return endError('override', info);
      if (errorType?.startsWith('missing_dynamic_variable') || /dynamic variable/i.test(text))
        return endError('dynamic_variable', info);
      return endError('config', info);
    case CloseCode.RequestError:
      return endError('config', info);
    case CloseCode.ProtocolError:
      return endError(/quota/i.test(text) ? 'quota' : 'operational', info);
    case CloseCode.InternalError:
      return endError('internal', info);
    case CloseCode.TryAgainLater:
      return endError('rate_limited', info);
    case CloseCode.Abnormal:
    case CloseCode.GoingAway:
    case CloseCode.ServiceRestart:
    case CloseCode.BadGateway:
      return endError('connection', info);
    default:
      return endError('unknown', info);
  }
}

/**
 * Whether a conversation that ended this way may be retried with a new one. Only network-level drops
 * and rate limits: a 1000 is a real end, and 1002/1008/1011 would fail the same way again.
 */
export function isRetryable(reason: EndReason): boolean {
  return reason.kind === 'error' && (reason.error === 'connection' || reason.error === 'rate_limited');
}
