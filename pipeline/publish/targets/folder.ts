import { constants, createReadStream, createWriteStream, existsSync } from 'node:fs';
import { access, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../../../core/errors';
import { metadataDocument, PublishError, type PublishTarget } from './types';

/** The folder one post lands in: readable, and named by the publication so retries find it. */
export function folderEntryName(title: string, publicationId: string): string {
  const slug = title.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50) || 'video';
  return `${slug}-${publicationId}`;
}

/** A chat's own folder under PUBLISH_DIR: chats never name server paths themselves. */
export const chatFolder = (publishDir: string, platform: string, chatId: string): string =>
  join(publishDir, `${platform}-${chatId.replace(/[^0-9A-Za-z_-]/g, '_')}`);

async function copy(from: string, to: string, signal: AbortSignal): Promise<void> {
  await pipeline(createReadStream(from), createWriteStream(to, { flags: 'wx' }), { signal });
}

/** Refuses a folder that is missing, not a folder, or not writable, saying which. */
async function checkWritable(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new UserError('folder_missing', `The folder ${dir} does not exist. Create it, or give another one.`);
  if (!info.isDirectory()) throw new UserError('folder_missing', `${dir} is a file, not a folder.`);
  await access(dir, constants.W_OK).catch(() => {
    throw new UserError('folder_readonly', `The bot may not write to ${dir}. Give it write access, or choose another folder.`);
  });
}

/**
 * Copies the mp4, thumbnail, captions and a metadata.json into `<dir>/<title>-<publication id>/`.
 * The set is built in a hidden sibling and renamed into place in one step, so a watcher (n8n's
 * folder trigger, a sync client) never sees half a post; an attempt after a crash finds the
 * finished folder and stops, or clears the half-built one and starts again: one complete set.
 */
export function makeFolderTarget(opts: { publishDir?: string }): PublishTarget {
  return {
    kind: 'folder',
    label: (dir) => `the folder ${dir}`,
    async prepare({ project, ref }) {
      if (ref) {
        if (!isAbsolute(resolve(ref))) throw new UserError('folder_path', 'Give the folder as a path: --target folder:/some/dir');
        await checkWritable(resolve(ref));
        return resolve(ref);
      }
      if (project.platform === 'cli') throw new UserError('folder_path', 'Give the folder: --target folder:/some/dir');
      if (!opts.publishDir) throw new UserError('no_publish_dir', 'Posting to a folder is not enabled on this server: the bot owner sets PUBLISH_DIR.');
      const dir = chatFolder(opts.publishDir, project.platform, project.chatId);
      await mkdir(dir, { recursive: true }).catch(() => undefined);
      await checkWritable(dir);
      return dir;
    },
    async publish(item, dir) {
      const name = folderEntryName(item.meta.title, item.publication.id);
      const final = join(dir, name);
      if (existsSync(join(final, 'metadata.json'))) return { externalId: name, url: final };
      const work = join(dir, `.${name}.partial`);
      try {
        await rm(work, { recursive: true, force: true });
        await mkdir(work);
        await copy(item.meta.videoPath, join(work, 'video.mp4'), item.signal);
        if (item.meta.thumbPath) await copy(item.meta.thumbPath, join(work, 'thumbnail.jpg'), item.signal);
        if (item.meta.srtPath) await copy(item.meta.srtPath, join(work, 'captions.srt'), item.signal);
        const files = { video: 'video.mp4', thumbnail: item.meta.thumbPath ? 'thumbnail.jpg' : null, captions: item.meta.srtPath ? 'captions.srt' : null };
        await writeFile(join(work, 'metadata.json'), `${JSON.stringify({ ...metadataDocument(item, new Date()), files }, null, 2)}\n`);
        await rename(work, final);
      } catch (err) {
        await rm(work, { recursive: true, force: true }).catch(() => undefined);
        if (item.signal.aborted) throw err;
        const code = (err as NodeJS.ErrnoException).code ?? '';
        const full = code === 'ENOSPC';
        throw new PublishError(`writing to ${dir} failed (${code || (err as Error).message})`, full || code === 'EBUSY',
          full ? 'The disk is full: free some space; it will be tried again.' : 'Check that the folder exists and the bot may write there, then press Post now.');
      }
      return { externalId: name, url: final };
    },
  };
}

/** Half-built entries a killed copy left behind (for doctor and tests). */
export async function partialEntries(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((f) => f.startsWith('.') && f.endsWith('.partial'));
}
