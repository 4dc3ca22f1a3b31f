/**
 * Chat model prices in micro-dollars per token (input, output). Dollars per million tokens equal
 * micro-dollars per token, so the table reads like a price list. Longest matching prefix wins.
 */
const PRICES: [prefix: string, input: number, output: number][] = [
  ['gpt-4o-mini', 0.15, 0.6],
  ['gpt-4o', 2.5, 10],
  ['gpt-4.1-nano', 0.1, 0.4],
  ['gpt-4.1-mini', 0.4, 1.6],
  ['gpt-4.1', 2, 8],
  ['gpt-5-nano', 0.05, 0.4],
  ['gpt-5-mini', 0.25, 2],
  ['gpt-5', 1.25, 10],
];

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** Price of one call in integer micro-dollars; `override` ("in,out" per million) beats the table. */
export function chatCostMicros(model: string, usage: TokenUsage | undefined, override?: [number, number]): number {
  if (!usage) return 0;
  const match = PRICES.filter(([p]) => model.startsWith(p)).sort((a, b) => b[0].length - a[0].length)[0];
  const [input, output] = override ?? (match ? [match[1], match[2]] : [0, 0]);
  return Math.round(usage.prompt_tokens * input + usage.completion_tokens * output);
}
