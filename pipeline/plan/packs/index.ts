import { UserError } from '../../../core/errors';
import { PACKS } from './catalog';
import { TARGET_LENGTHS, type NichePack, type ScenePacing, type TargetLength } from './types';

export * from './types';
export { PACKS };

const byId = new Map(PACKS.map((p) => [p.id, p]));

/** Ids of all packs, in catalogue order. */
export const PACK_IDS = PACKS.map((p) => p.id);

/** The pack with this id, or a UserError listing the valid ones. */
export function getPack(id: string): NichePack {
  const pack = byId.get(id);
  if (!pack) throw new UserError('unknown_niche', `Unknown niche "${id}". Choose one of: ${PACK_IDS.join(', ')}.`);
  return pack;
}

/** The pacing bucket for a target length (the nearest bucket at or above it). */
export function pacingFor(pack: NichePack, targetLengthSec: number): ScenePacing {
  const bucket = TARGET_LENGTHS.find((t) => t >= targetLengthSec) ?? 180;
  return pack.pacing[bucket as TargetLength];
}
