import type { TopicForm } from '../topic';
import type { BeatKind } from '../templates';

/**
 * The offline planner's sentences. They are a draft's honest scaffold: no invented facts, but every
 * scene says something about the topic — it restates the question, names the subject, or names
 * the part of the answer a viewer should look for. Slots (filled by writer.ts `fillSlots`):
 *
 *   {subject} {Subject}  the subject as the topic names it ("the Roman empire", "cats")
 *   {keyword}            the subject bare ("Roman empire"), for picture prompts
 *   {Question} {question} the question as a sentence ("Why did the Roman empire fall?")
 *   {about}              the question as a phrase ("why the Roman empire fell", "the truth about
 *                        medieval castles", "the five budgeting mistakes that keep you broke");
 *                        only where a clause and a noun phrase both fit: after "of", "at", "to"
 *   {items}              what a list counts ("budgeting mistakes that keep you broke")
 *   {part} {Part} {parts} the part of the answer a scene covers; all the parts a video covers
 *   {n} {nth}            a number word and an ordinal ("five", "fifth")
 *   {it} {It} {its} {them} the subject's pronoun (they/their/them when plural; a person's name)
 *   {single|plural}      agreement with the subject: "{Subject} {matters|matter}"
 */

/** The parts an answer has, by the kind of question the topic asks. */
export type AnswerKind = 'cause' | 'process' | 'define' | 'evidence' | 'verdict' | 'howto' | 'thing' | 'list';

export function answerKind(form: TopicForm): AnswerKind {
  switch (form) {
    case 'why': case 'claim': return 'cause';
    case 'how': return 'process';
    case 'define': return 'define';
    case 'yesno': return 'verdict';
    case 'howto': return 'howto';
    case 'list': return 'list';
    case 'thing': return 'thing';
    default: return 'evidence';
  }
}

/** One part of the answer: its name (a noun phrase, also the scene's on-screen text) and its lines, opening line first. */
export interface AnswerPart {
  label: string;
  lines: string[];
}

export const PARTS: Record<Exclude<AnswerKind, 'list'>, AnswerPart[]> = {
  cause: [
    { label: 'the usual explanation', lines: [
      'Start with the usual explanation of {about}.',
      'It is the version most people have heard, and a fair place to begin.',
      'Notice what it says about {subject}, and what it leaves out.',
    ] },
    { label: 'the evidence', lines: [
      'Then look at the evidence: what we can actually observe about {subject}.',
      'Good evidence is specific: a place, a date, a number you can check.',
      'Ask where each claim about {subject} comes from.',
    ] },
    { label: 'the main cause', lines: [
      'Next comes the main cause, the one the rest depend on.',
      'Ask what would change if that one cause were missing.',
      'That is the test every explanation of {about} has to pass.',
    ] },
    { label: 'the smaller causes', lines: [
      'Then the smaller causes, the ones that only matter together.',
      'Each one looks minor on its own, so watch how they add up.',
      'Together they explain more about {subject} than any single cause.',
    ] },
    { label: 'what this tells us', lines: [
      'Finally, what this tells us about {subject}.',
      'A good answer explains more than one case, so test it on another example.',
    ] },
  ],
  process: [
    { label: 'the basic idea', lines: [
      'First, the basic idea behind {about}.',
      'Put it in one sentence before adding any detail.',
      'Everything else about {subject} builds on that sentence.',
    ] },
    { label: 'the parts involved', lines: [
      'Then the parts involved, and what each one does.',
      'Name every part, because each one has a job.',
      'Leave one out, and the explanation stops making sense.',
    ] },
    { label: 'the steps in order', lines: [
      'Next, the steps in order, as they happen.',
      'Follow them one at a time, and {about} stops looking like magic.',
      'Watch for the step that everything else waits on.',
    ] },
    { label: 'the limits', lines: [
      'Then the limits: where the process stops working, and why.',
      'Limits show what each part is really for.',
    ] },
    { label: 'what it means in practice', lines: [
      'Finally, what it means in practice for {subject}.',
      'That is the part you can notice for yourself.',
    ] },
  ],
  define: [
    { label: 'a plain definition', lines: [
      'First, a plain definition: {about}, in one sentence.',
      'Keep it short enough to repeat to a friend.',
      'A good definition also says what {subject} {is|are} not.',
    ] },
    { label: 'the background', lines: [
      'Then the background, because {subject} {makes|make} more sense in context.',
      'Ask when and where people first paid attention to {them}.',
    ] },
    { label: 'the key features', lines: [
      'Next, the key features: what sets {subject} apart.',
      'Look for the one feature you could point to.',
      'That feature is what people mean when they talk about {them}.',
    ] },
    { label: 'the common mix-up', lines: [
      'Then the common mix-up: what people confuse {subject} with.',
      'The difference is small to say and big in practice.',
    ] },
    { label: 'why it matters', lines: [
      'Finally, why it matters, and what {subject} can teach us.',
      'That is the reason the question keeps coming up.',
    ] },
  ],
  evidence: [
    { label: 'what we know for sure', lines: [
      'Start with what we know for sure about {subject}.',
      'Facts you can check come first, and stories come later.',
      'Keep those facts apart from everything that is only likely.',
    ] },
    { label: 'the clues', lines: [
      'Then the clues: the records, objects and places that point to an answer.',
      'Each clue narrows down the answer to {about}.',
      'Ask who left each clue, and when.',
    ] },
    { label: 'the competing answers', lines: [
      'Next, the competing answers, side by side.',
      'Ask what each one explains, and what it cannot.',
    ] },
    { label: 'the best-supported answer', lines: [
      'Then the best-supported answer, and how sure anyone can be.',
      'Sure is a strong word, so look for how much of the evidence agrees.',
    ] },
    { label: 'what is still open', lines: [
      'Finally, what is still open about {subject}.',
      'Open questions are where the next discovery will come from.',
    ] },
  ],
  verdict: [
    { label: 'the short answer', lines: [
      'Start with the short answer: it depends, and here is on what.',
      'A one-word answer to {about} would leave out too much.',
    ] },
    { label: 'the case for', lines: [
      'First, the case for: the best reasons to say yes.',
      'Look for where those reasons come from, and how strong they are.',
    ] },
    { label: 'the case against', lines: [
      'Then the case against: the best reasons to say no.',
      'Weigh them the same way, with the same questions.',
    ] },
    { label: 'what it depends on', lines: [
      'Next, what it depends on: the details that tip the answer one way or the other.',
      'How much, how often and for whom usually decide it.',
    ] },
    { label: 'what to do with it', lines: [
      'Finally, what to do with it in everyday life.',
      'A good answer changes at least one thing you do.',
    ] },
  ],
  howto: [
    { label: 'what you need', lines: [
      'First, what you need before you start.',
      'Keep the list short, because you can add to it later.',
    ] },
    { label: 'the first step', lines: [
      'Then the first step, the one that makes the rest easier.',
      'Do it today, while the idea is fresh.',
      'Small is fine, as long as it is done.',
    ] },
    { label: 'the mistake to avoid', lines: [
      'Next, the mistake to avoid: the habit that makes {subject} harder than it has to be.',
      'Most people make it without noticing, so look for it first.',
    ] },
    { label: 'a routine that sticks', lines: [
      'Then a routine that sticks, because one good day is not enough.',
      'Tie it to something you already do every day.',
    ] },
    { label: 'how to tell it is working', lines: [
      'Finally, how to tell it is working: one thing you can check each week.',
      'Write it down, so progress is something you can see.',
    ] },
  ],
  thing: [
    { label: 'the basics', lines: [
      'Start with the basics of {subject}: what, where and when.',
      'Get those three right, and the rest is easier to follow.',
    ] },
    { label: 'the origins', lines: [
      'Then the origins: how {subject} came to be.',
      'Beginnings explain a lot about what came after.',
    ] },
    { label: 'the details people miss', lines: [
      'Next, the details people miss about {subject}.',
      'They are rarely in the headline, but they change the picture.',
      'Look for the detail that does not fit the usual version.',
    ] },
    { label: 'the popular myth', lines: [
      'Then the popular myth about {subject}, and what it gets wrong.',
      'Myths last because they are simple, so ask what they simplify.',
    ] },
    { label: 'why it matters today', lines: [
      'Finally, why it matters today, and what {subject} can still teach us.',
      'That is what makes {them} worth a minute of your time.',
    ] },
  ],
};

/** More lines for a part that spans several scenes of a long video. */
export const PART_FOLLOW_UPS: string[] = [
  'Take this one piece at a time.',
  'Stay with this a little longer, because the rest builds on it.',
  'Write down what you find here, because it comes back at the end.',
  'There is more here than the short version gives.',
  'Compare this with what you expected.',
];

/** Lines that come back to a part in a later scene, when a long video gives it several. */
export const PART_AGAIN: string[] = [
  'One more word on {part}.',
  'Back to {part} for a moment.',
  'Here is a second look at {part}.',
  'Think again about {part}, now that the first look is done.',
  'Stay a little longer on {part}.',
];

/** Lines for the beats that are not parts of the answer. */
export const BEAT_LINES: Partial<Record<BeatKind, string[]>> = {
  // After the hook, where a long first scene has room.
  hook: [
    'This video is about {about}.',
    'Stay to the end, because the answer has more than one part.',
  ],
  // Restates the question and says what the viewer should look for.
  // After its opening (writer.ts: the question, unless the hook asked it, and the parts to look for).
  context: [
    'This is a first look at {subject}, not the last word, so check the details.',
    'Keep the question in mind as we go.',
  ],
  twist: [
    'But here is the part most people miss about {subject}.',
    'It is rarely in the short version of {about}.',
    'And it changes how the rest of the answer fits together.',
  ],
  payoff: [
    'So, {question} Now you know where to look: {parts}.',
    'Put them together, and you have the outline of the answer.',
    'The details are worth looking up, and now you know where to look.',
  ],
  // One opening per item, in countdown order; the first names the list.
  item: [
    'Number {n} of the {items}.',
    'Number {n} on the list.',
    'At number {n}, another one to watch for.',
    'Number {n}, and this one is easy to miss.',
  ],
  detail: [
    'Look at what sets it apart from the others on the list.',
    'Ask how often it shows up, and who it affects most.',
    'Its place at number {n} comes down to how much difference it makes.',
    'Once you know it, it is easy to spot.',
    'Keep it in mind, because it connects to the others.',
    'Notice where it shows up in everyday life.',
    'Number {n} earns its place for a reason you can check.',
    'Ask what would change without number {n}.',
    'Number {n} is worth a closer look than it usually gets.',
    'Think about where you have already met number {n}.',
    'If you remember one thing about number {n}, make it why it ranks here.',
    'Picture number {n} in everyday life, and it is easier to remember.',
  ],
};

/** A list's first place gets its own opening. */
export const NUMBER_ONE = 'And number one, the one that matters most.';

/** Lines that may follow any myth, and any fact, when a long video has room. */
export const MYTH_MORE: string[] = [
  'Myth {n} survives because it is easy to repeat.',
  'Notice who repeats it, and why.',
  'It is worth asking where it started.',
];
export const FACT_MORE: string[] = [
  'That is the fact behind myth {n}.',
  'Remember it the next time someone repeats the myth.',
  'Check it against a good source before you pass it on.',
];

/** Myth and fact pairs that hold for any topic: short on-screen labels, then the lines. */
export const MYTHS: { myth: string; fact: string; lines: [string[], string[]] }[] = [
  { myth: 'one simple answer', fact: 'several parts', lines: [
    ['Myth {n}: there is a one-line answer to {about}.', 'It is a tidy idea, which is why it spreads.'],
    ['Fact: the honest answer has several parts, and each one needs its own look.', 'Each part on its own tells only some of the story.'],
  ] },
  { myth: 'all settled', fact: 'still debated', lines: [
    ['Myth {n}: everything about {subject} was settled long ago.', 'It sounds safe to repeat, so people repeat it.'],
    ['Fact: people who study {subject} still argue about the details.', 'New questions keep coming up, and that is a good sign.'],
  ] },
  { myth: 'only for experts', fact: 'open to anyone', lines: [
    ['Myth {n}: {subject} only {matters|matter} to specialists.', 'That belief keeps a lot of people from asking.'],
    ['Fact: you do not need to be an expert to follow it, only curious.', 'The basic ideas fit in a minute.'],
  ] },
  { myth: 'the whole story', fact: 'the details', lines: [
    ['Myth {n}: the popular version of {about} is the whole story.', 'It is the version that fits in a headline.'],
    ['Fact: the popular version leaves out the details, and the details are where {subject} {gets|get} interesting.', 'That is where the surprises are.'],
  ] },
  { myth: 'nothing new', fact: 'the part people skip', lines: [
    ['Myth {n}: you already know everything worth knowing about {subject}.', 'Most of us feel that way about familiar things.'],
    ['Fact: most people know the headline and skip the rest.', 'The rest is where the answer changes.'],
  ] },
  { myth: 'too strange to be true', fact: 'check the source', lines: [
    ['Myth {n}: if something about {subject} sounds surprising, it must be made up.', 'Surprise feels like a warning sign.'],
    ['Fact: some of the strangest parts hold up best, as long as you check the source.', 'Where a claim comes from matters more than how it sounds.'],
  ] },
];

/** Lines that extend any scene in the middle of a video; each names the subject or points back at the question. */
export const EXTENDERS: string[] = [
  'Keep that in mind when you think about {subject}.',
  'That is one piece of the answer.',
  'Check this against a good source before you share it.',
  'Hold on to that, because it matters at the end.',
  'It is easy to miss, so look twice.',
  'This is where {subject} {gets|get} interesting.',
  'Keep asking what it says about {subject}.',
  'It sounds small, but the answer depends on it.',
];

/** On-screen text for beats that carry no part of their own. */
export const OVERLAYS: Partial<Record<BeatKind, string>> = {
  context: 'the question', twist: 'the part people miss', payoff: 'the answer', cta: 'follow for more',
};

/** One-line visual ideas per beat; the pack's style bible is appended. */
export const VISUALS: Record<BeatKind, string[]> = {
  hook: ['dramatic close-up of {keyword}', 'striking wide shot centred on {keyword}'],
  context: ['establishing shot of the world around {keyword}', 'calm overview of {keyword} in its setting'],
  setup: ['quiet establishing scene hinting at {keyword}', 'ordinary setting with {keyword} in the background'],
  rising: ['tense scene, {keyword} coming into focus', 'shadows closing in around {keyword}'],
  twist: ['surprising reveal of {keyword} from a new angle', 'sudden change of light on {keyword}'],
  payoff: ['resolved, calm image of {keyword}', 'wide reflective shot of {keyword}'],
  item: ['hero shot of {keyword}, ranked item', 'bold spotlight on {keyword}'],
  detail: ['extreme close-up detail of {keyword}', 'macro texture of {keyword}'],
  myth: ['hazy, dreamlike image of a popular belief about {keyword}', 'old-fashioned illustration of {keyword}'],
  fact: ['clear, sharp, well-lit image of {keyword}', 'precise scientific view of {keyword}'],
  point: ['clear explanatory image of {keyword}', 'focused detail shot of {keyword}'],
  cta: ['inviting closing shot of {keyword}', 'calm end card with {keyword}'],
};

export { NUMBER_WORDS } from '../topic';
export const ORDINALS = ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth'];
