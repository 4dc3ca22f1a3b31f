/**
 * Reads a topic the way a writer would: the question it asks, its subject and the key phrase a
 * hook or caption can lean on. Used by the offline planner and for titles and hashtags.
 */

const STOPWORDS = new Set(
  ('a an the and or but if of for to in on at by with from into about over under after before why how what when where who which '
    + 'is are was were be been being do does did have has had can could should would will may might must i you we they he she it '
    + 'my your our their his her its this that these those there here really actually ever never not no yes so than then too very '
    + 'just only also even most more some any all each every one own same such much many vs versus').split(' '),
);

const VERBS = new Set(
  ('make makes made get gets got save saves saving use uses used work works start starts stop stops keep keeps lose loses win wins '
    + 'find finds build builds learn learns become becomes feel feels look looks need needs want wants go goes went happen happened '
    + 'happens change changes changed say says said know knows think thinks see sees take takes give gives live lives die dies eat eats '
    + 'sleep sleeps grow grows beat beats explain explained').split(' '),
);

export interface TopicReading {
  /** The topic as typed, whitespace collapsed. */
  text: string;
  /** As a headline: first letter upper-cased. */
  headline: string;
  /** "why", "how", … when the topic is a question. */
  questionWord?: string;
  /** The key noun phrase, e.g. "octopuses" or "Dyatlov Pass". */
  keyword: string;
  /** Content words in order, for hashtags and art. */
  contentWords: string[];
}

const capitalise = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** Analyses a (validated) topic. */
export function readTopic(topic: string): TopicReading {
  const text = topic.replace(/\s+/g, ' ').trim().replace(/[.!?]+$/, '');
  const words = text.split(' ');
  const lowerFirst = words[0]?.toLowerCase() ?? '';
  const questionWord = ['why', 'how', 'what', 'when', 'where', 'who', 'which'].includes(lowerFirst) ? lowerFirst : undefined;
  const bare = (w: string) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  const contentWords = words.map(bare).filter((w) => w.length > 1 && !STOPWORDS.has(w.toLowerCase()));

  // A run of capitalised words after the first word is a proper noun: "the Dyatlov Pass incident".
  let proper: string | undefined;
  for (let i = 1; i < words.length && !proper; i++) {
    const w = bare(words[i]!);
    if (/^\p{Lu}/u.test(w) && !STOPWORDS.has(w.toLowerCase())) {
      const run = [w];
      for (let j = i + 1; j < words.length && /^\p{Lu}/u.test(bare(words[j]!)); j++) run.push(bare(words[j]!));
      proper = run.join(' ');
    }
  }
  const noun = contentWords.find((w) => !VERBS.has(w.toLowerCase()) && !/ly$/.test(w)) ?? contentWords[0];
  const keyword = proper ?? (noun ? (/^\p{Lu}\p{Ll}/u.test(noun) && words[0] === noun ? noun.toLowerCase() : noun) : text);
  return { text, headline: capitalise(text), questionWord, keyword, contentWords };
}

/** Up to `max` hashtags from the topic's content words and the pack. */
export function hashtagsFor(reading: TopicReading, packId: string, max = 6): string[] {
  const tags = [
    reading.keyword.replace(/\s+/g, ''),
    ...reading.contentWords.map((w) => w.replace(/[^\p{L}\p{N}]/gu, '')),
    packId.replace(/_/g, ''),
    'shorts',
  ]
    .filter((t) => t.length > 2)
    .map((t) => `#${t.toLowerCase()}`);
  return [...new Set(tags)].slice(0, max);
}
