/** The part of sherpa-onnx-node's text-to-speech API we use (the package ships no types). */
declare module 'sherpa-onnx-node' {
  export interface OfflineTtsConfig {
    model: {
      vits?: { model: string; tokens: string; lexicon?: string; dataDir?: string };
      kokoro?: { model: string; voices: string; tokens: string; dataDir?: string; lexicon?: string };
      numThreads?: number;
      provider?: string;
      debug?: boolean;
    };
    maxNumSentences?: number;
  }
  export class OfflineTts {
    static createAsync(config: OfflineTtsConfig): Promise<OfflineTts>;
    readonly numSpeakers: number;
    readonly sampleRate: number;
    generateAsync(req: { text: string; sid: number; speed: number }): Promise<{ samples: Float32Array; sampleRate: number }>;
  }
  /** The package is CommonJS: from ESM its exports arrive as the default export. */
  const sherpa: { OfflineTts: typeof OfflineTts };
  export default sherpa;
}
