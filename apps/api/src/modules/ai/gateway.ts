import type {
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
} from '@ai-sdk/provider';
import { z } from 'zod';
import { AiModelSelectorSchema } from '@auterity/workflow-contracts';
import { ValidationError } from '../../http/errors';

const TextPartSchema = z.object({ type: z.literal('text'), text: z.string() });
const TextContentSchema = z.union([z.string(), z.array(TextPartSchema)]);
const UserPartSchema = z.union([
  TextPartSchema,
  z.object({
    type: z.literal('image_url'),
    image_url: z.object({ url: z.string().max(20_000_000), detail: z.string().optional() }),
  }),
]);
const ToolCallSchema = z.object({
  id: z.string().max(200),
  type: z.literal('function'),
  function: z.object({ name: z.string().max(64), arguments: z.string() }),
});

const MessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: TextContentSchema, name: z.string().optional() }),
  z.object({ role: z.literal('developer'), content: TextContentSchema, name: z.string().optional() }),
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(UserPartSchema)]), name: z.string().optional() }),
  z.object({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(TextPartSchema), z.null()]).optional(),
    tool_calls: z.array(ToolCallSchema).optional(),
    name: z.string().optional(),
  }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string().max(200), content: TextContentSchema }),
]);

const GatewayModelSchema = z.union([
  AiModelSelectorSchema,
  // A well-formed UUID only: anything else would reach the database as an invalid uuid.
  z.string().regex(/^workflow:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'Use workflow:<workflow id>'),
  // A bare model id (`gpt-4o-mini`), as OpenAI clients send it: matched against the catalog. Ids may
  // hold `:` (Bedrock's `…-v1:0`), but not the `auto:` and `workflow:` prefixes the forms above own.
  z
    .string()
    .regex(/^[\w.:@-]{1,200}$/)
    .refine((id) => !/^(auto|workflow):/i.test(id), 'Use auto, auto:cheapest|fastest|best or workflow:<workflow id>'),
]);

/** `POST /v1/chat/completions`, OpenAI's request body (fields we do not use are ignored). */
export const ChatCompletionBodySchema = z
  .object({
    model: GatewayModelSchema,
    messages: z.array(MessageSchema).min(1, 'messages must not be empty').max(1000),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
    max_tokens: z.number().int().min(1).max(1_000_000).nullish(),
    max_completion_tokens: z.number().int().min(1).max(1_000_000).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
    seed: z.number().int().nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    n: z.literal(1, 'Only n = 1 is supported').nullish(),
    tools: z
      .array(
        z.object({
          type: z.literal('function'),
          function: z.object({
            name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'Tool names are 1-64 letters, digits, _ or -'),
            description: z.string().max(10_000).optional(),
            parameters: z.record(z.string(), z.unknown()).optional(),
            strict: z.boolean().nullish(),
          }),
        }),
      )
      .max(128)
      .optional(),
    tool_choice: z
      .union([
        z.enum(['none', 'auto', 'required']),
        z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
      ])
      .optional(),
    response_format: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('text') }),
        z.object({ type: z.literal('json_object') }),
        z.object({
          type: z.literal('json_schema'),
          json_schema: z.object({
            name: z.string().max(64),
            description: z.string().optional(),
            schema: z.record(z.string(), z.unknown()).optional(),
            strict: z.boolean().nullish(),
          }),
        }),
      ])
      .optional(),
    user: z.string().max(256).optional(),
    /** Auterity: models to try, in order, when the first fails. */
    fallbacks: z.array(AiModelSelectorSchema).max(5).optional(),
  })
  .meta({ id: 'ChatCompletionRequest' });
export type ChatCompletionBody = z.infer<typeof ChatCompletionBodySchema>;

const textOf = (content: z.infer<typeof TextContentSchema>) =>
  typeof content === 'string' ? content : content.map((p) => p.text).join('');

function parseArguments(raw: string, index: number): unknown {
  try {
    return JSON.parse(raw || '{}');
  } catch {
    throw new ValidationError('Request validation failed', [
      { path: `body.messages.${index}.tool_calls`, message: 'function.arguments must be a JSON string' },
    ]);
  }
}

function dataUrl(url: string, path: string): { mediaType: string; data: string | URL } {
  const match = /^data:([\w/+.-]+);base64,(.*)$/s.exec(url);
  if (match?.[1] && match[2] !== undefined) return { mediaType: match[1], data: match[2] };
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ValidationError('Request validation failed', [
      { path, message: 'image_url.url must be an http(s) URL or a base64 data URL' },
    ]);
  }
  return { mediaType: 'image/*', data: parsed };
}

/** OpenAI chat messages as the AI SDK's provider prompt. */
export function toPrompt(messages: ChatCompletionBody['messages']): LanguageModelV3Prompt {
  const toolNames = new Map<string, string>();
  return messages.map((m, index): LanguageModelV3Message => {
    switch (m.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: textOf(m.content) };
      case 'user':
        return {
          role: 'user',
          content:
            typeof m.content === 'string'
              ? [{ type: 'text', text: m.content }]
              : m.content.map((p, part) =>
                  p.type === 'text'
                    ? { type: 'text', text: p.text }
                    : { type: 'file', ...dataUrl(p.image_url.url, `body.messages.${index}.content.${part}.image_url.url`) },
                ),
        };
      case 'assistant': {
        const text = m.content === undefined || m.content === null ? '' : textOf(m.content);
        for (const call of m.tool_calls ?? []) toolNames.set(call.id, call.function.name);
        return {
          role: 'assistant',
          content: [
            ...(text ? [{ type: 'text' as const, text }] : []),
            ...(m.tool_calls ?? []).map((call) => ({
              type: 'tool-call' as const,
              toolCallId: call.id,
              toolName: call.function.name,
              input: parseArguments(call.function.arguments, index),
            })),
          ],
        };
      }
      case 'tool':
        return {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: m.tool_call_id,
              toolName: toolNames.get(m.tool_call_id) ?? 'unknown',
              output: { type: 'text', value: textOf(m.content) },
            },
          ],
        };
    }
  });
}

/** The request's settings (limits, sampling, tools, response format) in the provider format. */
export function toCallOptions(body: ChatCompletionBody): Omit<LanguageModelV3CallOptions, 'abortSignal'> {
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  const format = body.response_format;
  const choice = body.tool_choice;
  return {
    prompt: toPrompt(body.messages),
    ...(maxTokens ? { maxOutputTokens: maxTokens } : {}),
    ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
    ...(typeof body.top_p === 'number' ? { topP: body.top_p } : {}),
    ...(body.stop ? { stopSequences: typeof body.stop === 'string' ? [body.stop] : body.stop } : {}),
    ...(typeof body.seed === 'number' ? { seed: body.seed } : {}),
    ...(typeof body.presence_penalty === 'number' ? { presencePenalty: body.presence_penalty } : {}),
    ...(typeof body.frequency_penalty === 'number' ? { frequencyPenalty: body.frequency_penalty } : {}),
    ...(format?.type === 'json_object' ? { responseFormat: { type: 'json' as const } } : {}),
    ...(format?.type === 'json_schema'
      ? {
          responseFormat: {
            type: 'json' as const,
            name: format.json_schema.name,
            ...(format.json_schema.description ? { description: format.json_schema.description } : {}),
            ...(format.json_schema.schema ? { schema: format.json_schema.schema as never } : {}),
          },
        }
      : {}),
    ...(body.tools && body.tools.length > 0
      ? {
          tools: body.tools.map((t) => ({
            type: 'function' as const,
            name: t.function.name,
            ...(t.function.description ? { description: t.function.description } : {}),
            inputSchema: (t.function.parameters ?? { type: 'object', properties: {} }) as never,
          })),
        }
      : {}),
    ...(choice
      ? {
          toolChoice: typeof choice === 'string' ? { type: choice } : { type: 'tool' as const, toolName: choice.function.name },
        }
      : {}),
  };
}

/** OpenAI's finish_reason for the SDK's unified one. */
export function finishReasonOf(reason: LanguageModelV3FinishReason): 'stop' | 'length' | 'tool_calls' | 'content_filter' {
  switch (reason.unified) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

export function toolCallsOf(content: readonly LanguageModelV3Content[]) {
  return content
    .filter((c): c is Extract<LanguageModelV3Content, { type: 'tool-call' }> => c.type === 'tool-call')
    .map((c) => ({ id: c.toolCallId, type: 'function' as const, function: { name: c.toolName, arguments: c.input } }));
}
