export interface ImageRequest {
  prompt: string;
  negativePrompt: string;
  width: number;
  height: number;
  palette: [string, string, string];
  title: string;
  subtitle: string;
  seed: string;
  sceneNumber: number;
}

/** Scene artwork. `id` names engine and model for cache keys. Returns PNG (or JPEG) bytes. */
export interface ImageProvider {
  readonly id: string;
  /** The engine's name as configured (IMAGE_ENGINE), for logs and chat. */
  readonly engine: string;
  image(req: ImageRequest, signal?: AbortSignal): Promise<{ bytes: Buffer; costMicros: number }>;
}
