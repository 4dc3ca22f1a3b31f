/** 150 words of narration in six scenes of 25, the size of a one-minute video's script. */
export const VOICE_BENCH_TEXT = [
  'Octopuses have three hearts, blue blood and a brain that wraps around their throat. Each of those strange parts solves one problem of living in cold water.',
  'Two of the hearts push blood through the gills, where it picks up oxygen. The third heart sends that blood out to the rest of the body.',
  'When an octopus swims, the third heart stops beating. That is why these animals would rather crawl than swim: swimming tires them fast.',
  'Their blood is blue because it carries oxygen with copper instead of iron. Copper works better when cold water holds little oxygen.',
  'Most of their neurons sit in the arms, not the head. Each arm can taste, touch and decide what to grab without asking the brain.',
  'So next time you see an octopus, count the hearts you cannot see. Follow for more strange animals, and tell us which one comes next.',
];
