import type OpenAI from 'openai';
import type { ImageProvider } from './types';

/** DALL·E 3 portrait price (standard quality), micro-dollars per image. */
const IMAGE_MICROS = 80_000;

/** OpenAI-compatible image generation at 1024x1792 with the pack's style and negative prompt. */
export function makeOpenAIImages(client: OpenAI, model: string): ImageProvider {
  return {
    id: `openai-images:${model}`,
    engine: 'openai',
    async image(req, signal) {
      const prompt = `${req.prompt}. Avoid: ${req.negativePrompt}. No text or lettering in the image.`;
      const res = await client.images.generate({ model, prompt, size: '1024x1792', n: 1, response_format: 'b64_json' }, { signal });
      const b64 = res.data?.[0]?.b64_json;
      if (!b64) throw new Error('the image service returned no image');
      return { bytes: Buffer.from(b64, 'base64'), costMicros: IMAGE_MICROS };
    },
  };
}
