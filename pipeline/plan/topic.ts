import nlp from 'compromise';
import type { NichePack } from './packs';
/**
 * Reads a topic the way a writer would: the question it asks, its subject and the key phrase a
 * hook or caption can lean on. Used by the offline planner and for titles and hashtags.
 */

/** A set of lower-case words, written as space-separated lists. */
const wordSet = (...lists: string[]): Set<string> => new Set(lists.join(' ').split(' '));

const STOPWORDS = wordSet(
  'a an the and or but if of for to in on at by with from into about over under after before why how what when where who which',
  'is are was were be been being do does did have has had can could should would will may might must i you we they he she it',
  'my your our their his her its this that these those there here really actually ever never not no yes so than then too very',
  'just only also even most more some any all each every one own same such much many vs versus',
);

const VERBS = wordSet(
  'make makes made get gets got save saves saving use uses used work works start starts stop stops keep keeps lose loses win wins',
  'find finds build builds learn learns become becomes feel feels look looks need needs want wants go goes went happen happened',
  'happens change changes changed say says said know knows think thinks see sees take takes give gives live lives die dies eat eats',
  'sleep sleeps grow grows beat beats explain explained',
);

/** Number words: a count is no subject ("three hearts" is about hearts). */
const NUMBER_WORDS = wordSet(
  'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen',
  'nineteen twenty thirty forty fifty hundred thousand million billion first second third fourth fifth half dozen',
);

/** Words a sentence leans on without saying anything about its subject. */
const FILLER = wordSet(
  'thing things something someone anyone everyone nothing everything time times way ways lot bit part piece kind sort next',
  'another usual right front left simple easy real good great better best bad new old big small little whole other others',
  'interesting different important genuinely going because while still again people person story question answer reason',
  'place point fact facts detail idea clue puzzle stay send love tell tells mentions curious follow',
);

const bareWord = (w: string) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');

/** True for a word that can stand for a subject: not a stop word, common verb, count or filler. */
export function isSubjectWord(word: string): boolean {
  const w = word.toLowerCase();
  return w.length > 2 && !/^\p{N}+$/u.test(w) && !STOPWORDS.has(w) && !VERBS.has(w) && !NUMBER_WORDS.has(w) && !FILLER.has(w) && !/(ly|ing)$/.test(w);
}

/** Nouns that frame a subject rather than name it: "the history of coffee", "the science of sleep". */
const FRAMING_NOUNS = wordSet(
  'history science story stories secret secrets truth psychology origin origins rise fall future power art physics biology',
  'chemistry mystery evolution economics philosophy benefits dangers myth myths legend life world',
);

const DETERMINERS = wordSet('the a an this these those its their our your my his her another every each some no whose');

/** Words that describe a noun rather than name one: "the usual explanation", "a closer look". */
const MODIFIERS = wordSet(
  'usual simple easy real good great big small little whole new old next other different important interesting strange true',
  'same main common popular obvious closer bigger smaller better worse stranger deeper simpler higher lower plain single huge',
  'hard first last final early late long short high low full free open most least',
);
/** Nouns the describing-word endings below would misread ("the forest", "a seed"). */
const SUFFIX_NOUNS = wordSet(
  'forest interest chest nest test quest guest west contest protest harvest conquest request crest',
  'bed seed shed speed breed creed greed weed reed feed sled thread bread head steed deed hundred',
);
const isModifier = (w: string) => {
  const lower = w.toLowerCase();
  return MODIFIERS.has(lower) || (!SUFFIX_NOUNS.has(lower) && /(ous|ful|est|ing|ed)$/.test(lower));
};

/**
 * The nouns `text` names, in order: a word that could stand for a subject right after a
 * determiner, or after a determiner and one describing word ("the pattern", "the usual
 * explanation") — a cheap way to tell "the numbers" from "it repeats" without a tagger.
 */
export function subjectWords(text: string): string[] {
  const found: string[] = [];
  // Words since the last determiner, while the phrase is still open (null: no phrase open).
  let open: number | null = null;
  for (const token of text.split(/\s+/)) {
    const word = bareWord(token);
    if (DETERMINERS.has(word.toLowerCase())) open = 0;
    else if (open !== null) {
      open++;
      // One describing word right after the determiner keeps the phrase open for its noun.
      if (open > 1 || !isModifier(word)) {
        if (isSubjectWord(word) && !isModifier(word)) found.push(word);
        open = null;
      }
    }
    if (/[,.;:!?…]$/.test(token)) open = null;
  }
  return found;
}

export interface TopicReading {
  /** The topic as typed, whitespace collapsed. */
  text: string;
  /** As a headline: first letter upper-cased. */
  headline: string;
  /** "why", "how", … when the topic is a question. */
  questionWord?: string;
  /** The key noun phrase, e.g. "octopuses" or "Roman empire": bare, as a modifier or a tag takes it. */
  keyword: string;
  /** The same phrase as a sentence names it, with the article the topic gave it ("the Roman empire"). */
  subject: string;
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
  const contentWords = words.map(bareWord).filter((w) => w.length > 1 && !STOPWORDS.has(w.toLowerCase()));

  const bare = words.map(bareWord);
  const isNounLike = (w: string) => contentWords.includes(w) && !VERBS.has(w.toLowerCase()) && !/ly$/.test(w) && !NUMBER_WORDS.has(w.toLowerCase());
  // The key phrase from word i: the rest of the topic when that is a short run of naming and
  // describing words ("black holes", "Roman empire"), else word i alone. A question stops at the
  // word: in "why cats purr" the next word may be a verb no list names.
  const phraseFrom = (i: number) => {
    const tail = bare.slice(i);
    return !questionWord && tail.length <= 3 && tail.every(isNounLike) ? tail.join(' ') : bare[i]!;
  };

  // A run of capitalised words after the first word is a proper noun: "the Dyatlov Pass incident";
  // a single capitalised word may describe the noun after it ("the Roman empire").
  let proper: string | undefined;
  for (let i = 1; i < words.length && !proper; i++) {
    const w = bare[i]!;
    if (/^\p{Lu}/u.test(w) && !STOPWORDS.has(w.toLowerCase())) {
      let j = i + 1;
      while (j < words.length && /^\p{Lu}/u.test(bare[j]!)) j++;
      proper = j === i + 1 ? phraseFrom(i) : bare.slice(i, j).join(' ');
    }
  }
  let at = bare.findIndex(isNounLike);
  if (at < 0) at = bare.findIndex((w) => contentWords.includes(w));
  // "the history of coffee" is about coffee: a framing noun hands over to what follows "of".
  if (at >= 0 && FRAMING_NOUNS.has(bare[at]!.toLowerCase()) && ['of', 'behind'].includes(bare[at + 1]?.toLowerCase() ?? '')) {
    // After "of" a word names a thing even where it could be a verb ("the science of sleep").
    const next = bare.findIndex((w, k) => k > at + 1 && contentWords.includes(w));
    if (next > 0) at = next;
  }
  const phrase = at >= 0 ? phraseFrom(at) : undefined;
  const fallback = proper ?? (phrase ? (/^\p{Lu}\p{Ll}/u.test(phrase) && at === 0 ? phrase[0]!.toLowerCase() + phrase.slice(1) : phrase) : text);
  const keyword = subjectPhrase(text) ?? fallback;
  // The topic's own article before its subject travels with it into sentences.
  const article = new RegExp(`(?:^|\\s)(the|a|an)\\s+${keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'iu').exec(text)?.[1]?.toLowerCase();
  return { text, headline: capitalise(text), questionWord, keyword, subject: article ? `${article} ${keyword}` : keyword, contentWords };
}

/**
 * The topic's subject as a whole noun phrase, by the tagger: its first noun phrase ("Roman
 * empire", "medieval castles", "budgeting mistakes"), or the one after "of" when the first only
 * frames it ("the surprising physics of why cats…" → cats). Lower-cased where it opens the
 * topic only because the topic is a sentence ("Black holes" → black holes; names stay).
 */
function subjectPhrase(text: string): string | undefined {
  const phrases = topicNouns(text);
  let at = 0;
  while (at < phrases.length - 1 && FRAMING_NOUNS.has(phrases[at]!.toLowerCase()) && new RegExp(`\\b${phrases[at]}\\s+(of|behind)\\b`, 'iu').test(text)) at++;
  const found = phrases[at];
  if (!found) return undefined;
  const opens = text.startsWith(found);
  const sentenceCase = opens && /^\p{Lu}\p{Ll}/u.test(found) && !(nlp(text).terms().json() as { terms: Tagged[] }[])[0]?.terms[0]?.tags.includes('ProperNoun');
  return sentenceCase ? found[0]!.toLowerCase() + found.slice(1) : found;
}

/** Describing words that judge rather than name: "the surprising physics" is about physics. */
const JUDGING = new Set(['surprising', 'strange', 'weird', 'amazing', 'interesting', 'shocking', 'scary', 'crazy', 'real', 'true', 'famous', 'popular', 'common', 'simple', 'easy', 'hidden', 'secret', 'big', 'small', 'huge', 'little', 'new', 'old', 'good', 'bad', 'great', 'important', 'rich', 'poor', 'best', 'worst', 'top']);

/** Nouns too vague to follow as a tag. */
const VAGUE = new Set(['things', 'thing', 'ways', 'way', 'stuff', 'reasons', 'reason', 'lot', 'kind', 'kinds']);

interface Tagged { text: string; tags: string[] }

/**
 * The topic's nouns and noun compounds, in order, read by compromise's part-of-speech tagger: a
 * run of nouns is one phrase, with a naming adjective ("black hole", "deep sea creatures") or a
 * gerund ("budgeting mistakes") before its noun; a possessive name ends its phrase ("Taylor
 * Swift's rise" → Taylor Swift, rise); pronouns, numbers, verbs, adverbs and judging adjectives
 * are never kept; the word between "do" and a verb is the subject. In a question whose only verb is the last word ("why cats purr", "how compound
 * interest works") the tagger may read that verb as a noun: it is dropped.
 */
export function topicNouns(topic: string): string[] {
  // The tagger reads shouting as acronyms: an all-caps topic is read in lower case.
  const text = /\p{Ll}/u.test(topic) ? topic : topic.toLowerCase();
  const words = (nlp(text).terms().json() as { terms: Tagged[] }[]).map((t) => t.terms[0]!);
  const has = (w: Tagged | undefined, ...tags: string[]) => !!w && tags.some((t) => w.tags.includes(t));
  const isNoun = (w: Tagged | undefined) => has(w, 'Noun') && !has(w, 'Pronoun', 'Value', 'QuestionWord');
  const question = has(words[0], 'QuestionWord') || /^(how|why)$/i.test(words[0]?.text ?? '');
  const verbs = words.filter((w, i) => i > 0 && has(w, 'Verb') && !has(w, 'Auxiliary') && !/^(do|does|did)$/i.test(w.text));
  if (question && verbs.length === 0 && words.length > 2 && isNoun(words.at(-1)) && isNoun(words.at(-2))) words.pop();
  const phrases: string[] = [];
  let run: string[] = [];
  const end = () => {
    if (run.length) phrases.push(run.join(' '));
    run = [];
  };
  words.forEach((w, i) => {
    const next = words[i + 1];
    const clean = w.text.replace(/['’]s$/i, '').replace(/[^\p{L}\p{N}'-]/gu, '');
    const naming = has(w, 'Adjective') && !has(w, 'Comparative', 'Superlative') && !/(ing|ed)$/i.test(w.text) && !JUDGING.has(w.text.toLowerCase()) && isNoun(next);
    const gerund = /ing$/i.test(w.text) && has(w, 'Verb') && isNoun(next);
    // "how do airplanes stay…": between "do" and the verb stands the subject, whatever the tagger says.
    const subjectAfterDo = /^(do|does|did)$/i.test(words[i - 1]?.text ?? '') && has(next, 'Verb');
    if (isNoun(w) || naming || gerund || subjectAfterDo) run.push(clean);
    else end();
    // A possessive or punctuation after a word ends its phrase ("Swift's rise", "cats, dogs").
    if (has(w, 'Possessive') || /[,;:.!?]$/.test(w.text)) end();
  });
  end();
  return phrases.filter((p) => /\p{L}/u.test(p) && !STOPWORDS.has(p.toLowerCase()) && !VAGUE.has(p.toLowerCase()));
}

/**
 * 5–8 hashtags: the topic's nouns and noun compounds (#romanempire, #cats, #physics), then the
 * niche's usual tags, then #shorts — never a verb, an adverb, a number or a stop word.
 */
export function hashtagsFor(topic: string, pack: Pick<NichePack, 'id' | 'tags'>, max = 8): string[] {
  const tag = (phrase: string) => phrase.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  const own = topicNouns(topic).map(tag).filter((t) => t.length >= 3 && t.length <= 30).slice(0, 4);
  return [...new Set([...own, ...pack.tags, 'shorts'])].slice(0, max).map((t) => `#${t}`);
}
