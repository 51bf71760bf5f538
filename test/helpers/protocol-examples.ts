/** One valid example of every ConvAI message, both directions (docs/convai-protocol.md §2). */
import type { ClientMessage, ServerMessage } from '../../plugin/protocol/index.js';

/** One valid example of every server message in docs/convai-protocol.md §2.3 (taken from the reference). */
export const SERVER_EXAMPLES: ServerMessage[] = [
  {
    type: 'conversation_initiation_metadata',
    conversation_initiation_metadata_event: {
      conversation_id: 'conv_1',
      agent_output_audio_format: 'pcm_16000',
      user_input_audio_format: 'pcm_16000',
    },
  },
  {
    type: 'audio',
    audio_event: {
      audio_base_64: 'AAB4AKz+AAKz/wAEAPgsAQ==',
      event_id: 3,
      alignment: { chars: ['H', 'm'], char_start_times_ms: [0, 70], char_durations_ms: [70, 60] },
    },
  },
  { type: 'agent_response', agent_response_event: { agent_response: 'Hmph.', event_id: 3 } },
  {
    type: 'agent_response_correction',
    agent_response_correction_event: {
      original_agent_response: 'Let me tell you the whole history',
      corrected_agent_response: 'Let me tell you',
      event_id: 3,
    },
  },
  { type: 'agent_response_complete', agent_response_complete_event: { event_id: 3 } },
  { type: 'agent_chat_response_part', text_response_part: { text: 'Hm', type: 'delta', event_id: 3 } },
  {
    type: 'agent_reasoning_response_part',
    reasoning_response_part: { text: '', type: 'start', event_id: 'r_1' },
  },
  {
    type: 'user_transcript',
    user_transcription_event: { user_transcript: 'Can you repair my sword?', event_id: 5 },
  },
  {
    type: 'tentative_user_transcript',
    tentative_user_transcription_event: { user_transcript: 'Can you rep', event_id: 5 },
  },
  { type: 'interruption', interruption_event: { event_id: 4 } },
  { type: 'ping', ping_event: { event_id: 7, ping_ms: 48 } },
  { type: 'ping', ping_event: { event_id: 8, ping_ms: null } },
  { type: 'vad_score', vad_score_event: { vad_score: 0.92 } },
  { type: 'queue_status', queue_status_event: { status: 'waiting' } },
  {
    type: 'client_tool_call',
    client_tool_call: {
      tool_name: 'open_shop_menu',
      tool_call_id: 'toolu_01',
      parameters: { category: 'weapons' },
      event_id: 6,
      expects_response: true,
    },
  },
  {
    type: 'agent_tool_request',
    agent_tool_request: { tool_name: 'lookup_price', tool_call_id: 't2', tool_type: 'webhook', event_id: 8 },
  },
  {
    type: 'agent_tool_response',
    agent_tool_response: {
      tool_name: 'end_call',
      tool_call_id: 'end_call_1',
      tool_type: 'system',
      is_error: false,
      is_called: true,
      event_id: 9,
    },
  },
  {
    type: 'agent_tool_response_full_payload',
    agent_tool_response_full_payload: {
      tool_name: 'lookup_price',
      tool_call_id: 't2',
      tool_type: 'webhook',
      is_error: false,
      is_blocked: false,
      is_called: true,
      event_id: 8,
      full_tool_result: '{"price":40}',
      truncated: false,
    },
  },
  {
    type: 'mcp_tool_call',
    mcp_tool_call: {
      service_id: 'svc_1',
      tool_call_id: 'call_9',
      tool_name: 'search_wiki',
      tool_description: null,
      parameters: { q: 'dragons' },
      timestamp: '2026-08-01T12:00:00Z',
      state: 'awaiting_approval',
      approval_timeout_secs: 300,
    },
  },
  {
    type: 'mcp_connection_status',
    mcp_connection_status: {
      integrations: [
        { integration_id: 'i1', integration_type: 'mcp_server', is_connected: true, tool_count: 4 },
      ],
    },
  },
  {
    type: 'internal_tentative_agent_response',
    tentative_agent_response_internal_event: { tentative_agent_response: 'Hmph. Another adv' },
  },
  { type: 'internal_turn_probability', turn_probability_internal_event: { turn_probability: 0.81 } },
  {
    type: 'context_usage',
    context_usage_event: {
      event_id: 9,
      model: 'gemini-2.5-flash',
      context_tokens: 5231,
      context_limit_tokens: 1048576,
    },
  },
  { type: 'asr_initiation_metadata', asr_initiation_metadata_event: {} },
  { type: 'guardrail_triggered' },
  { type: 'agent_typing', agent_typing_event: { is_typing: true, duration_ms: 3000 } },
  { type: 'external_agent_connected', external_agent_connected_event: {} },
  { type: 'external_agent_disconnected' },
  {
    type: 'rich_content',
    rich_content: { rich_content_id: 'rc_1', component: 'item_card', props: { a: 1 }, event_id: 10 },
  },
  {
    type: 'error',
    error_event: {
      code: 1008,
      message: "Override for field 'voice_id' is not allowed by config.",
      error_type: 'override_error',
      reason: 'invalid override',
      debug_message: null,
      details: null,
    },
  },
  { type: 'error', message: 'received 1002 (protocol error) This request exceeds your quota limit.' },
];

/** One valid example of every client message in docs/convai-protocol.md §2.2. */
export const CLIENT_EXAMPLES: ClientMessage[] = [
  { user_audio_chunk: 'AAB4AKz+AAKz/wAEAPgsAQ==' },
  {
    type: 'conversation_initiation_client_data',
    conversation_config_override: {
      agent: { first_message: 'Hi {{name}}', language: 'en' },
      tts: { voice_id: 'abc' },
    },
    dynamic_variables: { name: 'Ann', level: 3, vip: true },
    user_id: 'u1',
    source_info: { source: 'js_sdk', version: '1.25.0' },
  },
  { type: 'pong', event_id: 7 },
  { type: 'user_message', text: 'hi there' },
  { type: 'contextual_update', text: 'Player picked up the Rusty Sword.', context_id: 'inventory' },
  { type: 'user_activity' },
  { type: 'client_tool_result', tool_call_id: 'toolu_01', result: '{"gold":120}', is_error: false },
  {
    type: 'client_tool_result',
    tool_call_id: 'toolu_02',
    result: 'no',
    is_error: true,
    error_type: 'user_rejected',
  },
  { type: 'feedback', score: 'like', event_id: 6 },
  { type: 'feedback', score: null, event_id: 6 },
  { type: 'mcp_tool_approval_result', tool_call_id: 'call_9', is_approved: true },
  {
    type: 'multimodal_message',
    text: { type: 'user_message', text: 'look' },
    file: { type: 'file_input', file_id: 'f1' },
  },
  { type: 'enclave_setup_config', agent_config_dict: {} },
];
