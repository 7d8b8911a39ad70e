import type { AiCapability, AiProtocol } from '@auterity/workflow-contracts';

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** A context window as `128K` or `1M` tokens. */
export function formatContextWindow(tokens: number): string {
  return compact.format(tokens);
}

export const CAPABILITY_LABELS: Record<AiCapability, string> = {
  text: 'Text',
  vision: 'Vision',
  json: 'JSON',
  tools: 'Tools',
};

export const PROTOCOL_LABELS: Record<AiProtocol, string> = {
  'openai-chat': 'OpenAI Chat',
  'anthropic-messages': 'Anthropic Messages',
  'google-generate-content': 'Google Gemini',
  'google-vertex': 'Google Vertex AI',
  'azure-openai': 'Azure OpenAI',
  'bedrock-converse': 'Bedrock Converse',
  mistral: 'Mistral',
  cohere: 'Cohere',
  'openai-compatible': 'OpenAI-compatible',
  huggingface: 'Hugging Face',
  local: 'Built-in (offline)',
};

export const QUALITY_TIER_LABELS: Record<number, string> = {
  1: 'Basic',
  2: 'Good',
  3: 'Strong',
  4: 'Advanced',
  5: 'Frontier',
};

/** `2026-03-01` and today's date (UTC): the range of "this month" the usage endpoint takes. */
export function currentMonthRange(now: Date = new Date()): { from: string; to: string } {
  const today = now.toISOString().slice(0, 10);
  return { from: `${today.slice(0, 8)}01`, to: today };
}
