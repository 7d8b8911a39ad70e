import type { LanguageModelV3Prompt } from '@ai-sdk/provider';
import { NodeFailure } from '../../engine/nodes';
import type { AiGenerator } from '../../engine/types';
import { AiError, type AiRouter } from './router';

/** AI nodes through the router: the node's prompt as one user message, billed to its workflow, execution and node. */
export function createNodeAi(router: AiRouter): AiGenerator {
  return {
    async generate(request) {
      const prompt: LanguageModelV3Prompt = [
        ...(request.system ? [{ role: 'system' as const, content: request.system }] : []),
        { role: 'user', content: [{ type: 'text', text: request.prompt }] },
      ];
      try {
        const result = await router.generate({
          organizationId: request.organizationId,
          workflowId: request.workflowId,
          executionId: request.executionId,
          nodeId: request.nodeId,
          model: request.model,
          ...(request.fallbacks ? { fallbacks: request.fallbacks } : {}),
          ...(request.maxPricePerMTok !== undefined ? { maxPricePerMTok: request.maxPricePerMTok } : {}),
          ...(request.credentialId ? { credentialId: request.credentialId } : {}),
          options: {
            prompt,
            ...(request.maxTokens ? { maxOutputTokens: request.maxTokens } : {}),
            ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
            ...(request.json ? { responseFormat: { type: 'json' } } : {}),
          },
          signal: request.signal,
        });
        return {
          text: result.text,
          model: result.model,
          provider: result.provider,
          usage: result.usage,
          costUsd: result.costUsd,
          attempts: result.attempts,
        };
      } catch (err) {
        if (err instanceof AiError) throw new NodeFailure(err.code, err.message, { aiAttempts: err.attempts });
        throw err;
      }
    },
  };
}
