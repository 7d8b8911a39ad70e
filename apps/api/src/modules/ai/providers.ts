import type { LanguageModelV3 } from '@ai-sdk/provider';
import { LOCAL_AI_PROVIDER, type AiProtocol } from '@auterity/workflow-contracts';
import { lazy } from '../../lib/lazy-require';
import { createLocalModel } from './local-provider';

// Each provider's SDK is loaded by the first call that needs it (see lazy-modules).

const alibabaSdk = lazy<typeof import('@ai-sdk/alibaba')>('@ai-sdk/alibaba');
const amazonBedrockSdk = lazy<typeof import('@ai-sdk/amazon-bedrock')>('@ai-sdk/amazon-bedrock');
const anthropicSdk = lazy<typeof import('@ai-sdk/anthropic')>('@ai-sdk/anthropic');
const azureSdk = lazy<typeof import('@ai-sdk/azure')>('@ai-sdk/azure');
const basetenSdk = lazy<typeof import('@ai-sdk/baseten')>('@ai-sdk/baseten');
const cerebrasSdk = lazy<typeof import('@ai-sdk/cerebras')>('@ai-sdk/cerebras');
const cohereSdk = lazy<typeof import('@ai-sdk/cohere')>('@ai-sdk/cohere');
const deepinfraSdk = lazy<typeof import('@ai-sdk/deepinfra')>('@ai-sdk/deepinfra');
const deepseekSdk = lazy<typeof import('@ai-sdk/deepseek')>('@ai-sdk/deepseek');
const fireworksSdk = lazy<typeof import('@ai-sdk/fireworks')>('@ai-sdk/fireworks');
const googleSdk = lazy<typeof import('@ai-sdk/google')>('@ai-sdk/google');
const googleVertexSdk = lazy<typeof import('@ai-sdk/google-vertex')>('@ai-sdk/google-vertex');
const groqSdk = lazy<typeof import('@ai-sdk/groq')>('@ai-sdk/groq');
const huggingfaceSdk = lazy<typeof import('@ai-sdk/huggingface')>('@ai-sdk/huggingface');
const mistralSdk = lazy<typeof import('@ai-sdk/mistral')>('@ai-sdk/mistral');
const moonshotaiSdk = lazy<typeof import('@ai-sdk/moonshotai')>('@ai-sdk/moonshotai');
const openaiSdk = lazy<typeof import('@ai-sdk/openai')>('@ai-sdk/openai');
const openaiCompatibleSdk = lazy<typeof import('@ai-sdk/openai-compatible')>('@ai-sdk/openai-compatible');
const perplexitySdk = lazy<typeof import('@ai-sdk/perplexity')>('@ai-sdk/perplexity');
const togetheraiSdk = lazy<typeof import('@ai-sdk/togetherai')>('@ai-sdk/togetherai');
const vercelSdk = lazy<typeof import('@ai-sdk/vercel')>('@ai-sdk/vercel');
const xaiSdk = lazy<typeof import('@ai-sdk/xai')>('@ai-sdk/xai');

/** What a provider's SDK is created with: the organization's key, and where to send calls. */
export interface ProviderSettings {
  apiKey?: string;
  baseURL?: string;
  fetch?: typeof globalThis.fetch;
}

export interface ProviderDefinition {
  id: string;
  name: string;
  protocol: AiProtocol;
  /** The npm package that speaks the protocol. */
  sdk: string;
  /** The provider's public endpoint; null for self-hosted servers, which need a base URL. */
  defaultBaseUrl: string | null;
  /** False for servers that take calls without a key (self-hosted, the local provider). */
  needsKey: boolean;
  model(settings: ProviderSettings, modelId: string): LanguageModelV3;
}

type Factory = (settings: ProviderSettings, modelId: string) => LanguageModelV3;

/** An OpenAI-compatible server (the chat completions protocol at another address). */
const compatible =
  (name: string): Factory =>
  (s, modelId) =>
    openaiCompatibleSdk()
      .createOpenAICompatible({
        name,
        baseURL: s.baseURL ?? '',
        ...(s.apiKey ? { apiKey: s.apiKey } : {}),
        ...(s.fetch ? { fetch: s.fetch } : {}),
        includeUsage: true,
        supportsStructuredOutputs: true,
      })
      .chatModel(modelId);

function def(
  id: string,
  name: string,
  protocol: AiProtocol,
  sdk: string,
  defaultBaseUrl: string | null,
  model: Factory,
  needsKey = true,
): ProviderDefinition {
  return { id, name, protocol, sdk, defaultBaseUrl, needsKey, model };
}

/**
 * Every provider the router can call: 27 services and the offline one. Each is created through
 * its AI SDK package with the organization's key and (when set) another base URL.
 */
export const PROVIDERS: readonly ProviderDefinition[] = [
  def('openai', 'OpenAI', 'openai-chat', '@ai-sdk/openai', 'https://api.openai.com/v1', (s, m) =>
    openaiSdk().createOpenAI(s).chat(m),
  ),
  def('anthropic', 'Anthropic', 'anthropic-messages', '@ai-sdk/anthropic', 'https://api.anthropic.com/v1', (s, m) =>
    anthropicSdk().createAnthropic(s).languageModel(m),
  ),
  def(
    'google',
    'Google Gemini',
    'google-generate-content',
    '@ai-sdk/google',
    'https://generativelanguage.googleapis.com/v1beta',
    (s, m) => googleSdk().createGoogleGenerativeAI(s).languageModel(m),
  ),
  def(
    'google-vertex',
    'Google Vertex AI',
    'google-vertex',
    '@ai-sdk/google-vertex',
    'https://aiplatform.googleapis.com',
    (s, m) => googleVertexSdk().createVertex(s).languageModel(m),
  ),
  // Azure's address names the customer's resource: a base URL is always needed.
  def('azure', 'Azure OpenAI', 'azure-openai', '@ai-sdk/azure', null, (s, m) => azureSdk().createAzure(s).chat(m)),
  def(
    'amazon-bedrock',
    'Amazon Bedrock',
    'bedrock-converse',
    '@ai-sdk/amazon-bedrock',
    'https://bedrock-runtime.us-east-1.amazonaws.com',
    (s, m) =>
      amazonBedrockSdk()
        .createAmazonBedrock({ region: 'us-east-1', ...s })
        .languageModel(m),
  ),
  def('mistral', 'Mistral AI', 'mistral', '@ai-sdk/mistral', 'https://api.mistral.ai/v1', (s, m) =>
    mistralSdk().createMistral(s).languageModel(m),
  ),
  def('cohere', 'Cohere', 'cohere', '@ai-sdk/cohere', 'https://api.cohere.com/v2', (s, m) =>
    cohereSdk().createCohere(s).languageModel(m),
  ),
  def('groq', 'Groq', 'openai-compatible', '@ai-sdk/groq', 'https://api.groq.com/openai/v1', (s, m) =>
    groqSdk().createGroq(s).languageModel(m),
  ),
  def('xai', 'xAI', 'openai-compatible', '@ai-sdk/xai', 'https://api.x.ai/v1', (s, m) => xaiSdk().createXai(s).chat(m)),
  def('deepseek', 'DeepSeek', 'openai-compatible', '@ai-sdk/deepseek', 'https://api.deepseek.com', (s, m) =>
    deepseekSdk().createDeepSeek(s).languageModel(m),
  ),
  def('perplexity', 'Perplexity', 'openai-compatible', '@ai-sdk/perplexity', 'https://api.perplexity.ai', (s, m) =>
    perplexitySdk().createPerplexity(s).languageModel(m),
  ),
  def('togetherai', 'Together AI', 'openai-compatible', '@ai-sdk/togetherai', 'https://api.together.xyz/v1', (s, m) =>
    togetheraiSdk().createTogetherAI(s).languageModel(m),
  ),
  def('fireworks', 'Fireworks AI', 'openai-compatible', '@ai-sdk/fireworks', 'https://api.fireworks.ai/inference/v1', (s, m) =>
    fireworksSdk().createFireworks(s).languageModel(m),
  ),
  def('deepinfra', 'DeepInfra', 'openai-compatible', '@ai-sdk/deepinfra', 'https://api.deepinfra.com/v1/openai', (s, m) =>
    deepinfraSdk().createDeepInfra(s).languageModel(m),
  ),
  def('cerebras', 'Cerebras', 'openai-compatible', '@ai-sdk/cerebras', 'https://api.cerebras.ai/v1', (s, m) =>
    cerebrasSdk().createCerebras(s).languageModel(m),
  ),
  def('huggingface', 'Hugging Face', 'huggingface', '@ai-sdk/huggingface', 'https://router.huggingface.co/v1', (s, m) =>
    huggingfaceSdk().createHuggingFace(s).languageModel(m),
  ),
  def(
    'alibaba',
    'Alibaba Cloud (Qwen)',
    'openai-compatible',
    '@ai-sdk/alibaba',
    'https://dashscope-intl.aliyuncs.com/compatible-mode/v1',
    (s, m) => alibabaSdk().createAlibaba(s).languageModel(m),
  ),
  def('moonshotai', 'Moonshot AI (Kimi)', 'openai-compatible', '@ai-sdk/moonshotai', 'https://api.moonshot.ai/v1', (s, m) =>
    moonshotaiSdk().createMoonshotAI(s).languageModel(m),
  ),
  def('baseten', 'Baseten', 'openai-compatible', '@ai-sdk/baseten', 'https://inference.baseten.co/v1', (s, m) =>
    basetenSdk().createBaseten(s).languageModel(m),
  ),
  def('vercel', 'Vercel v0', 'openai-compatible', '@ai-sdk/vercel', 'https://api.v0.dev/v1', (s, m) =>
    vercelSdk().createVercel(s).languageModel(m),
  ),
  def('openrouter', 'OpenRouter', 'openai-compatible', '@ai-sdk/openai-compatible', 'https://openrouter.ai/api/v1', (s, m) =>
    compatible('openrouter')({ ...s, baseURL: s.baseURL ?? 'https://openrouter.ai/api/v1' }, m),
  ),
  def('sambanova', 'SambaNova Cloud', 'openai-compatible', '@ai-sdk/openai-compatible', 'https://api.sambanova.ai/v1', (s, m) =>
    compatible('sambanova')({ ...s, baseURL: s.baseURL ?? 'https://api.sambanova.ai/v1' }, m),
  ),
  def(
    'nebius',
    'Nebius AI Studio',
    'openai-compatible',
    '@ai-sdk/openai-compatible',
    'https://api.studio.nebius.com/v1',
    (s, m) => compatible('nebius')({ ...s, baseURL: s.baseURL ?? 'https://api.studio.nebius.com/v1' }, m),
  ),
  // Self-hosted servers: reachable only at a base URL the operator or the organization gives.
  def('ollama', 'Ollama (self-hosted)', 'openai-compatible', '@ai-sdk/openai-compatible', null, compatible('ollama'), false),
  def(
    'lmstudio',
    'LM Studio (self-hosted)',
    'openai-compatible',
    '@ai-sdk/openai-compatible',
    null,
    compatible('lmstudio'),
    false,
  ),
  def('vllm', 'vLLM (self-hosted)', 'openai-compatible', '@ai-sdk/openai-compatible', null, compatible('vllm'), false),
  def(
    LOCAL_AI_PROVIDER,
    'Auterity local (offline, in-process)',
    'local',
    '@auterity/api (compromise, sentiment)',
    null,
    (_s, m) => createLocalModel(m),
    false,
  ),
];

const BY_ID = new Map(PROVIDERS.map((p) => [p.id, p]));

export function findProvider(id: string): ProviderDefinition | undefined {
  return BY_ID.get(id);
}

/** `AI_BASE_URL_<PROVIDER>` (upper case, `-` as `_`): the operator's endpoint for a provider. */
export function baseUrlEnvName(providerId: string): string {
  return `AI_BASE_URL_${providerId.toUpperCase().replace(/-/g, '_')}`;
}
