import { useMutation } from '@tanstack/react-query';
import { AiProviderTestResultSchema, type AiProviderTestResult } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';

/** Makes one tiny real call through the provider; a failed call is a result (`ok: false`), not an error. */
export function testAiProvider(provider: string): Promise<AiProviderTestResult> {
  return apiRequestParsed(AiProviderTestResultSchema, 'POST', `/api/ai/providers/${encodeURIComponent(provider)}/test`);
}

export function useTestAiProvider() {
  return useMutation({ mutationFn: testAiProvider });
}
