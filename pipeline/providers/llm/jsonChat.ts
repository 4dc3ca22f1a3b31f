import OpenAI from 'openai';
import { z } from 'zod';
import { UserError } from '../../../core/errors';
import type { Logger } from '../../../core/logger';
import { describeFailure } from '../failure';
import { chatCostMicros } from './pricing';

export interface JsonChatOptions {
  /** Optional: local servers (Ollama, llama.cpp, LM Studio) need none. */
  apiKey?: string;
  baseURL?: string;
  model: string;
  timeoutMs?: number;
  maxRetries?: number;
  priceOverride?: [number, number];
  /** Where failed calls are logged (once each, with the project when known). */
  log?: Logger;
}

export interface JsonChatResult<T> {
  value: T;
  costMicros: number;
}

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** A chat model that answers with JSON matching a zod schema. */
export interface JsonChat {
  readonly model: string;
  complete<S extends z.ZodType>(name: string, projectId: string | undefined, schema: S, messages: Message[]): Promise<JsonChatResult<z.output<S>>>;
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
      throw new UserError('llm_auth', 'The AI service refused our key. Ask the bot owner to check PLANNER_API_KEY (or OPENAI_API_KEY).');
    }
    if (err.status === 429) throw new UserError('llm_rate_limited', 'The AI service is busy (rate limited). Try again in a minute.');
    if (err.status === undefined) throw new UserError('llm_unreachable', 'The AI service cannot be reached. Try again later, or ask the bot owner to check PLANNER_BASE_URL.');
    throw new UserError('llm_error', `The AI service failed (HTTP ${err.status}). Try again in a moment.`);
  }
  throw err;
}

/** How the server is asked for JSON: strict schema, JSON mode, or only the prompt (servers that know neither). */
type Mode = 'json_schema' | 'json_object' | 'prompt';

/** A 400 that says the server does not know this response format (llama.cpp, older Ollama, vLLM variants). */
function formatUnsupported(err: unknown): boolean {
  return err instanceof OpenAI.APIError && (err.status === 400 || err.status === 422) && /response_format|json_schema|json_object|schema|not supported|unsupported/i.test(err.message);
}

/** The JSON inside a reply that may wrap it in a Markdown fence or a sentence. */
function jsonText(content: string): string {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(content);
  const body = (fenced ? fenced[1]! : content).trim();
  const from = body.indexOf('{');
  const to = body.lastIndexOf('}');
  return from >= 0 && to > from ? body.slice(from, to + 1) : body;
}

/**
 * Creates a JSON chat client on any OpenAI-compatible server: structured output from the zod
 * schema — or, on a server that refuses JSON schemas, JSON mode with the schema in the prompt
 * (remembered for the client's life) — the client's own retries with backoff on 429/5xx
 * (honouring retry-after), a timeout, and one repair round when the answer is not valid JSON or
 * breaks the schema. Every failed call is logged once; the chat gets a clear UserError.
 */
export function makeJsonChat(options: JsonChatOptions): JsonChat {
  const client = new OpenAI({
    apiKey: options.apiKey ?? 'no-key',
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 60_000,
    maxRetries: options.maxRetries ?? 3,
  });
  let mode: Mode = 'json_schema';
  const ask = async (name: string, projectId: string | undefined, jsonSchema: Record<string, unknown>, conversation: Message[]) => {
    for (;;) {
      const messages: Message[] = mode === 'json_schema'
        ? conversation
        : [{ role: 'system', content: `Reply with one JSON object only, no prose, matching this JSON schema:\n${JSON.stringify(jsonSchema)}` }, ...conversation];
      const response_format = mode === 'json_schema'
        ? { type: 'json_schema' as const, json_schema: { name, schema: jsonSchema, strict: true } }
        : mode === 'json_object' ? { type: 'json_object' as const } : undefined;
      try {
        return await client.chat.completions.create({ model: options.model, messages, temperature: 0.8, ...(response_format ? { response_format } : {}) });
      } catch (err) {
        if (formatUnsupported(err) && mode !== 'prompt') {
          const from = mode;
          mode = mode === 'json_schema' ? 'json_object' : 'prompt';
          options.log?.info({ engine: 'planner', model: options.model, from, to: mode }, 'the planner server refused this JSON format; asking again with a simpler one');
          continue;
        }
        const f = describeFailure(err);
        options.log?.warn({ projectId, engine: 'planner', model: options.model, call: name, status: f.status, reason: f.reason }, 'planner engine call failed');
        return translateApiError(err);
      }
    }
  };
  return {
    model: options.model,
    async complete(name, projectId, schema, messages) {
      const jsonSchema = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
      delete jsonSchema.$schema;
      let costMicros = 0;
      const conversation = [...messages];
      let problem = '';
      for (let attempt = 0; attempt < 2; attempt++) {
        const completion = await ask(name, projectId, jsonSchema, conversation);
        costMicros += chatCostMicros(options.model, completion.usage, options.priceOverride);
        const content = completion.choices[0]?.message?.content ?? '';
        try {
          const parsed = schema.safeParse(JSON.parse(mode === 'json_schema' ? content : jsonText(content)));
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
      options.log?.warn({ projectId, engine: 'planner', model: options.model, call: name, status: 'invalid', reason: problem }, 'planner engine returned unusable JSON twice');
      throw new UserError('llm_invalid', 'The AI service returned an unusable plan twice. Try again, or regenerate.');
    },
  };
}
