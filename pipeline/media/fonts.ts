import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** A TrueType font shipped in an npm package (libass and drawtext need real TTF files). */
export interface BundledFont {
  family: string;
  file: string;
}

function fontFile(pkg: string, relative: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), relative);
}

/** The fonts captions and artwork use, by role. */
export function bundledFonts(): Record<'caption' | 'display', BundledFont> {
  return {
    caption: { family: 'Montserrat ExtraBold', file: fontFile('@expo-google-fonts/montserrat', '800ExtraBold/Montserrat_800ExtraBold.ttf') },
    display: { family: 'Anton', file: fontFile('@expo-google-fonts/anton', '400Regular/Anton_400Regular.ttf') },
  };
}

/** Bundled font files that are missing on disk (empty when all is well). */
export function missingFonts(): string[] {
  return Object.values(bundledFonts())
    .map((f) => f.file)
    .filter((f) => !existsSync(f));
}

let canvasFontsReady = false;

/** Registers the bundled fonts with Skia (once per thread) under the names the drawings use. */
export async function registerCanvasFonts(): Promise<void> {
  if (canvasFontsReady) return;
  const { GlobalFonts } = await import('@napi-rs/canvas');
  const f = bundledFonts();
  GlobalFonts.registerFromPath(f.display.file, 'ShortsmithDisplay');
  GlobalFonts.registerFromPath(f.caption.file, 'ShortsmithCaption');
  canvasFontsReady = true;
}
