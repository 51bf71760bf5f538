/**
 * The names the processors register under. They live apart from the processors' code because the
 * main thread makes nodes by name at once, while the code is a chunk fetched when a context first
 * needs it.
 */
export const MIC_PROCESSOR = 'pva-mic-capture';
export const VOICE_PROCESSOR = 'pva-npc-voice';
