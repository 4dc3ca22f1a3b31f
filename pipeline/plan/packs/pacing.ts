import type { ScenePacing, TargetLength } from './types';

/**
 * Scene pacing profiles by target length. `quick` suits list and gaming videos, `steady` most
 * explainers, `slow` stories that need room to breathe. Every profile admits at least one scene
 * count whose even split lies inside [minSceneSec, maxSceneSec].
 */
export const PACING: Record<'quick' | 'steady' | 'slow', Record<TargetLength, ScenePacing>> = {
  quick: {
    60: { minScenes: 7, maxScenes: 12, minSceneSec: 3, maxSceneSec: 9 },
    90: { minScenes: 9, maxScenes: 16, minSceneSec: 3, maxSceneSec: 10 },
    120: { minScenes: 11, maxScenes: 20, minSceneSec: 3.5, maxSceneSec: 11 },
    180: { minScenes: 16, maxScenes: 28, minSceneSec: 4, maxSceneSec: 11 },
  },
  steady: {
    60: { minScenes: 6, maxScenes: 10, minSceneSec: 4, maxSceneSec: 11 },
    90: { minScenes: 8, maxScenes: 13, minSceneSec: 4, maxSceneSec: 12 },
    120: { minScenes: 9, maxScenes: 16, minSceneSec: 5, maxSceneSec: 13 },
    180: { minScenes: 12, maxScenes: 22, minSceneSec: 5, maxSceneSec: 14 },
  },
  slow: {
    60: { minScenes: 5, maxScenes: 8, minSceneSec: 5, maxSceneSec: 13 },
    90: { minScenes: 6, maxScenes: 11, minSceneSec: 5, maxSceneSec: 15 },
    120: { minScenes: 7, maxScenes: 13, minSceneSec: 6, maxSceneSec: 16 },
    180: { minScenes: 10, maxScenes: 18, minSceneSec: 6, maxSceneSec: 17 },
  },
};
