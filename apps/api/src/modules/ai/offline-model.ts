import type { AiGenerator } from '../../engine/types';

/** Rough token count (4 characters a token), the usual estimate for English text. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/**
 * The built-in offline model: deterministic, free and always available, so workflows with AI
 * nodes run on a laptop with no provider key. It answers with a short reply derived from the
 * prompt (a JSON object in JSON mode).
 */
export function createOfflineModel(): AiGenerator {
  return {
    async generate(request) {
      if (request.signal.aborted) throw request.signal.reason;
      const prompt = request.prompt.trim();
      const text = request.json
        ? JSON.stringify({ reply: `Offline model: ${prompt.slice(0, 200)}`, promptTokens: estimateTokens(prompt) })
        : `Offline model reply to: ${prompt.slice(0, 500)}`;
      const limit = request.maxTokens ? request.maxTokens * 4 : Infinity;
      const bounded = request.json ? text : text.slice(0, limit);
      return {
        text: bounded,
        model: 'offline-echo-1',
        provider: 'auterity',
        usage: { inputTokens: estimateTokens(`${request.system ?? ''}${prompt}`), outputTokens: estimateTokens(bounded) },
        costUsd: '0',
      };
    },
  };
}
