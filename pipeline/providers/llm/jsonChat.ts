import OpenAI from 'openai';
import { z } from 'zod';
import { UserError } from '../../../core/errors';
import { chatCostMicros } from './pricing';

export interface JsonChatOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  timeoutMs?: number;
  maxRetries?: number;
  priceOverride?: [number, number];
}

export interface JsonChatResult<T> {
  value: T;
  costMicros: number;
}

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** A chat model that answers with JSON matching a zod schema. */
export interface JsonChat {
  readonly model: string;
  complete<S extends z.ZodType>(name: string, schema: S, messages: Message[]): Promise<JsonChatResult<z.output<S>>>;
}

function describeIssues(err: z.ZodError): string {
  return err.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

function translateApiError(err: unknown): never {
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    throw new UserError('llm_timeout', 'The AI service did not answer in time. Try again in a moment.');
  }
  if (err instanceof OpenAI.APIError) {
    if (err.status === 401 || err.status === 403) {
      throw new UserError('llm_auth', 'The AI service refused our key. Ask the bot owner to check OPENAI_API_KEY.');
    }
    if (err.status === 429) throw new UserError('llm_rate_limited', 'The AI service is busy (rate limited). Try again in a minute.');
    if (err.status === undefined) throw new UserError('llm_unreachable', 'The AI service cannot be reached. Try again later.');
    throw new UserError('llm_error', `The AI service failed (HTTP ${err.status}). Try again in a moment.`);
  }
  throw err;
}

/**
 * Creates a JSON chat client on any OpenAI-compatible server: structured output from the zod
 * schema, the client's own retries with backoff on 429/5xx (honouring retry-after), a timeout,
 * and one repair round when the answer is not valid JSON or breaks the schema.
 */
export function makeJsonChat(options: JsonChatOptions): JsonChat {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 60_000,
    maxRetries: options.maxRetries ?? 3,
  });
  return {
    model: options.model,
    async complete(name, schema, messages) {
      const jsonSchema = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
      delete jsonSchema.$schema;
      let costMicros = 0;
      const conversation = [...messages];
      for (let attempt = 0; attempt < 2; attempt++) {
        const completion = await client.chat.completions
          .create({
            model: options.model,
            messages: conversation,
            temperature: 0.8,
            response_format: { type: 'json_schema', json_schema: { name, schema: jsonSchema, strict: true } },
          })
          .catch(translateApiError);
        costMicros += chatCostMicros(options.model, completion.usage, options.priceOverride);
        const content = completion.choices[0]?.message?.content ?? '';
        let problem: string;
        try {
          const parsed = schema.safeParse(JSON.parse(content));
          if (parsed.success) return { value: parsed.data, costMicros };
          problem = describeIssues(parsed.error);
        } catch {
          problem = 'the reply was not valid JSON';
        }
        conversation.push(
          { role: 'assistant', content },
          { role: 'user', content: `That answer was invalid (${problem}). Reply again with only the corrected JSON object.` },
        );
      }
      throw new UserError('llm_invalid', 'The AI service returned an unusable plan twice. Try again, or regenerate.');
    },
  };
}
