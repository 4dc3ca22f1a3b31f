import nlp from 'compromise';
import type { NichePack } from './packs';

/**
 * Reads a topic the way a writer would, with compromise's part-of-speech tagger: what kind of
 * question it asks (why / how / what / who / a yes-no question / how to / a list of N / a claim /
 * a plain subject), its subject as a whole noun phrase with its number, the verb phrase it asks
 * about, and the question put two ways — as a sentence ("Why did the Roman empire fall?") and as
 * a phrase a sentence can carry ("why the Roman empire fell"). Used by the offline planner and for
 * titles, hashtags and the offline art's words.
 *
 * The tagger is good at words and weak at short questions ("why did Rome fall": fall as a noun;
 * "how does a fridge work": work as a noun), so the reading leans on the grammar of the sentence
 * where the tags disagree with it: after "do" comes a subject and then its verb; a clause after a
 * question word has a verb, and when the tagger finds none it is the subject's last word.
 */

export type TopicForm =
  | 'why' | 'how' | 'what' | 'who' | 'when' | 'where' | 'which' // a question with its subject and verb phrase
  | 'define' // "what is a black hole", "who was Cleopatra"
  | 'yesno' // "is coffee bad for you"
  | 'howto' // "how to fall asleep faster"
  | 'list' // "5 budgeting mistakes that keep you broke"
  | 'claim' // "octopuses have three hearts": read as "why …"
  | 'thing'; // "medieval castles", "the Dyatlov Pass incident"

export interface TopicReading {
  /** The topic as typed, whitespace collapsed, end punctuation dropped. */
  text: string;
  /** As a headline: first letter upper-cased. */
  headline: string;
  form: TopicForm;
  /** The subject as a sentence names it, with the topic's article ("the Roman empire", "cats"). */
  subject: string;
  /** The same phrase bare, as a label or a tag takes it ("Roman empire"). */
  keyword: string;
  /** Whether the subject takes a plural verb ("cats land", "the Roman empire falls"). */
  plural: boolean;
  /** A named person: sentences repeat the name where they would say "it". */
  person: boolean;
  /** The verb phrase the topic asks about, as typed ("fell", "always land on their feet"). */
  predicate?: string;
  /** A list's length ("5 budgeting mistakes" → 5). */
  count?: number;
  /** A list's items as a plural noun phrase, with what qualifies them ("budgeting mistakes that keep you broke"). */
  items?: string;
  /** The question as a sentence: "Why did the Roman empire fall?", "What is the truth about medieval castles?" */
  question: string;
  /** The question as a phrase: "why the Roman empire fell", "how to fall asleep faster", "the truth about medieval castles". */
  about: string;
  /** Naming and doing words of the topic in order (no function words), for SEO keywords. */
  contentWords: string[];
}

interface Term { text: string; normal: string; tags: string[]; post: string }

const has = (t: Term | undefined, ...tags: string[]) => !!t && tags.some((tag) => t.tags.includes(tag));
const WH = new Set(['why', 'how', 'what', 'who', 'when', 'where', 'which']);
const isWh = (t: Term | undefined) => !!t && WH.has(t.normal);
const capitalise = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
const join = (terms: Term[]) => terms.map((t, i) => (i < terms.length - 1 ? t.text + (/[,;:]/.test(t.post) ? ',' : '') : t.text)).join(' ');

function termsOf(text: string, shouted = false): Term[] {
  return (nlp(text).terms().json() as { terms: Term[] }[]).map((t) => {
    const term = t.terms[0]!;
    let word = term.text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}'’]+$/gu, '') || term.text;
    // A shouted topic is read in lower case; the names the tagger knows get their capitals back.
    if (shouted && has(term, 'ProperNoun', 'Person', 'Place', 'Organization')) word = capitalise(word);
    return { ...term, text: word };
  }).filter((t) => /[\p{L}\p{N}]/u.test(t.text));
}

/** An auxiliary that can open a question or be inverted: be, do, have and the modals. */
const isAux = (t: Term | undefined) => has(t, 'Auxiliary', 'Copula', 'Modal') || /^(do|does|did|is|are|was|were|am|has|have|had|can|could|will|would|should|must|may|might)$/.test(t?.normal ?? '');
const isDo = (t: Term | undefined) => /^(do|does|did)(n['’]?t)?$/.test(t?.normal ?? '') || /^(do|does|did)n['’]?t$/i.test(t?.text ?? '');
/** A word a noun phrase can hold: a determiner or possessive first, then describing and naming words. */
const inPhrase = (t: Term, first: boolean, next?: Term) =>
  (has(t, 'Noun', 'Possessive', 'Value', 'Emoji') && !has(t, 'QuestionWord') && !(has(t, 'Pronoun') && !has(t, 'Possessive') && !first)) ||
  // A describing word belongs to the phrase before its noun ("deadliest snakes"), not after ("coffee bad").
  (has(t, 'Adjective') && has(next, 'Noun', 'Adjective') && !has(next, 'Pronoun')) ||
  (first && has(t, 'Determiner')) || (has(t, 'Gerund') && !has(t, 'Auxiliary'));

/** The end (exclusive) of the noun phrase starting at `from`, with "of" + another noun phrase ("the fall of Rome"). */
function phraseEnd(terms: Term[], from: number): number {
  let i = from;
  while (i < terms.length && inPhrase(terms[i]!, i === from, terms[i + 1]) && !(has(terms[i], 'Verb') && !has(terms[i], 'Gerund') && i > from)) {
    // A pronoun is a phrase on its own ("why we dream").
    if (has(terms[i], 'Pronoun') && !has(terms[i], 'Possessive')) return i + 1;
    const end = /[,;:]/.test(terms[i]!.post);
    i++;
    if (end) return i;
    if (terms[i]?.normal === 'of' && terms[i + 1] && !isWh(terms[i + 1]) && inPhrase(terms[i + 1]!, true, terms[i + 2])) i++;
  }
  return i;
}

/**
 * The verb forms of one word, forced to read as a verb. compromise conjugates the verbs it knows;
 * for a few it does not ("skip", "purr") its gerund is the bare word, so the regular spelling
 * rule stands in: lie → lying, bake → baking, skip → skipping, purr → purring.
 */
function conjugate(word: string): Record<string, string> {
  const doc = nlp(word);
  doc.tag('Verb');
  const forms = (doc.verbs().conjugate() as Record<string, string>[])[0] ?? {};
  if (!forms.Gerund?.endsWith('ing')) {
    const w = word.toLowerCase();
    forms.Gerund = w.endsWith('ie') ? `${w.slice(0, -2)}ying`
      : /[^aeiouy]e$/.test(w) ? `${w.slice(0, -1)}ing`
      : /^[^aeiou]*[aeiou][^aeiouwxy]$/.test(w) ? `${w}${w.at(-1)}ing`
      : `${w}ing`;
  }
  return forms;
}

/**
 * Lower-cases a topic's sentence-initial capital ("Black holes" → black holes) but keeps names
 * and acronyms: words the tagger knows as names, a topic of one capitalised singular word that
 * may be a name it does not know ("Mars"), and a first word before another capital ("Elden Ring").
 */
function decapitalise(terms: Term[]): Term[] {
  const first = terms[0];
  if (!first || !/^[A-Z][a-z]/u.test(first.text)) return terms;
  const name = has(first, 'ProperNoun', 'Person', 'Place', 'Organization') || (terms.length === 1 && !has(first, 'Plural')) || /^\p{Lu}/u.test(terms[1]?.text ?? '');
  return name ? terms : [{ ...first, text: first.text[0]!.toLowerCase() + first.text.slice(1) }, ...terms.slice(1)];
}

/** A run of the topic's words as a sentence carries them. */
const inline = (terms: Term[]) => join(terms);

const OBJECT_PRONOUN: Record<string, string> = { i: 'me', we: 'us', they: 'them', he: 'him', she: 'her' };

interface Clause { subject: Term[]; predicate: Term[] }

/**
 * Splits "the Roman empire fell" into subject and verb phrase. A clause the tagger finds no verb
 * in ("cats purr", "compound interest works") has it as its last word.
 */
function splitClause(terms: Term[]): Clause {
  let end = phraseEnd(terms, 0);
  if (end >= terms.length && terms.length >= 2) end = terms.length - 1;
  // Adverbs between subject and verb belong to the verb phrase ("cats always land").
  return { subject: terms.slice(0, Math.max(1, end)), predicate: terms.slice(Math.max(1, end)) };
}

/** Is the subject plural? Read from its head noun, the part before "of". */
function isPlural(subject: Term[]): boolean {
  if (subject.length === 1 && has(subject[0], 'Pronoun')) return /^(we|they|you|i)$/.test(subject[0]!.normal) && subject[0]!.normal !== 'i';
  if (has(subject[0], 'Gerund') && subject.length > 1 && !has(subject[1], 'Noun')) return false;
  // The head noun comes before any preposition: "the history of coffee", "worst foods for sleep".
  const head = subject.findIndex((t, i) => i > 0 && (t.normal === 'of' || has(t, 'Preposition', 'Conjunction')));
  const words = head > 0 ? subject.slice(0, head) : subject;
  // The tagger sometimes reads a plural as a verb ("airplanes"): then the last word is the noun.
  const last = [...words].reverse().find((t) => has(t, 'Noun')) ?? words.at(-1);
  if (!last) return false;
  if (!has(last, 'Noun')) {
    const doc = nlp(last.text);
    doc.tag('Noun');
    return doc.nouns().isPlural().found;
  }
  if (has(last, 'Plural')) return true;
  if (has(last, 'Singular', 'Uncountable', 'Person', 'Place')) return false;
  return nlp(last.text).nouns().isPlural().found;
}

/**
 * The clause with the verb moved for a question: "the Roman empire fell" → "did the Roman empire
 * fall", "castles were heated in winter" → "were castles heated in winter", "cats always land on
 * their feet" → "do cats always land on their feet".
 */
function inverted(clause: Clause, plural: boolean): string {
  const subject = join(clause.subject);
  const pred = clause.predicate;
  const verbAt = pred.findIndex((t) => !has(t, 'Adverb', 'Negative'));
  const verb = pred[verbAt];
  if (!verb) return subject;
  // "have" is an auxiliary before a participle ("have changed"), a main verb before an object ("have three hearts").
  const auxiliary = isAux(verb) && !(/^(has|have|had)$/.test(verb.normal) && !has(pred[verbAt + 1], 'Participle', 'PastTense'));
  if (auxiliary) return [verb.text, subject, join(pred.slice(0, verbAt)), join(pred.slice(verbAt + 1))].filter(Boolean).join(' ');
  const forms = conjugate(verb.normal);
  const past = has(verb, 'PastTense') || (forms.PastTense === verb.normal && forms.Infinitive !== verb.normal);
  const aux = past ? 'did' : plural ? 'do' : 'does';
  return [aux, subject, join(pred.slice(0, verbAt)), forms.Infinitive ?? verb.text, join(pred.slice(verbAt + 1))].filter(Boolean).join(' ');
}

/** The clause in statement order after "do": "do airplanes stay" → "airplanes stay", "does a fridge work" → "a fridge works", "did Rome fall" → "Rome fell". */
function uninverted(aux: Term, clause: Clause, plural: boolean): string {
  const subject = join(clause.subject);
  if (!isDo(aux)) return [subject, aux.text, join(clause.predicate)].filter(Boolean).join(' ');
  const pred = clause.predicate;
  const verbAt = pred.findIndex((t) => !has(t, 'Adverb', 'Negative'));
  if (verbAt < 0) return subject;
  const forms = conjugate(pred[verbAt]!.normal);
  const verb = aux.normal === 'did' ? forms.PastTense : aux.normal === 'does' && !plural ? forms.PresentTense : forms.Infinitive;
  return [subject, join(pred.slice(0, verbAt)), verb ?? pred[verbAt]!.text, join(pred.slice(verbAt + 1))].filter(Boolean).join(' ');
}

interface Parts { form: TopicForm; subject: Term[]; predicate?: Term[]; plural?: boolean; about: string; question: string; count?: number; items?: string }

/** A subject that is a pronoun ("why we dream") reads as what the verb phrase does ("dreaming"). */
function gerundOf(pred: Term[]): string {
  // "is it safe to eat raw eggs" is about eating raw eggs.
  const to = pred.findIndex((t, i) => t.normal === 'to' && has(pred[i + 1], 'Verb'));
  if (to >= 0) return gerundOf(pred.slice(to + 1));
  const verbAt = pred.findIndex((t) => !has(t, 'Adverb', 'Negative', 'Auxiliary'));
  if (verbAt < 0) return join(pred);
  return [conjugate(pred[verbAt]!.normal).Gerund ?? pred[verbAt]!.text, join(pred.slice(verbAt + 1))].filter(Boolean).join(' ');
}

function readQuestion(terms: Term[]): Parts {
  const wh = terms[0]!.normal as Exclude<TopicForm, 'define' | 'yesno' | 'howto' | 'list' | 'claim' | 'thing'>;
  const rest = terms.slice(1);
  const text = inline(terms);
  // "what is a black hole", "who was Cleopatra", "why is the sky blue", "how do airplanes stay in the air"
  if (isAux(rest[0]) && rest.length > 1) {
    const clause = splitClause(rest.slice(1));
    if (phraseEnd(rest, 1) >= rest.length && !isDo(rest[0]) && (wh === 'what' || wh === 'who')) {
      const subject = rest.slice(1);
      return { form: 'define', subject, about: `${wh} ${join(subject)} ${rest[0]!.text}`, question: `${capitalise(text)}?` };
    }
    const plural = isPlural(clause.subject);
    return { form: wh, ...clause, plural, about: `${wh} ${uninverted(rest[0]!, clause, plural)}`, question: `${capitalise(text)}?` };
  }
  // "which planet has the most moons": the question word asks about the noun after it.
  if (wh === 'which' && has(rest[0], 'Noun')) {
    const end = phraseEnd(rest, 0);
    const kind = nlp(join(rest.slice(0, end))).nouns().toPlural().text();
    return { form: wh, subject: termsOf(kind), plural: true, predicate: rest.slice(end), about: text, question: `${capitalise(text)}?` };
  }
  // "who built the pyramids", "what causes earthquakes": the question word is the subject. A
  // plural subject takes a bare verb ("what cats eat"), so an -s verb after an -s word means the
  // first is the verb ("causes earthquakes").
  const verbFirst = has(rest[0], 'Verb') || (has(rest[1], 'PresentTense') && !has(rest[1], 'Infinitive') && /s$/.test(rest[0]?.normal ?? ''));
  if (rest.length > 1 && (wh === 'who' || wh === 'what' || wh === 'which') && verbFirst && !has(rest[0], 'Gerund')) {
    const object = rest.slice(1).filter((t) => !has(t, 'Preposition', 'Conjunction'));
    const from = object.length ? rest.indexOf(object[0]!) : 1;
    // The tagger may read the object as a verb too ("earthquakes"): then it runs to the end.
    const end = phraseEnd(rest, from);
    return { form: wh, subject: rest.slice(from, end > from ? end : rest.length), predicate: rest, about: text, question: `${capitalise(text)}?` };
  }
  const clause = splitClause(rest);
  const plural = isPlural(clause.subject);
  return { form: wh, ...clause, plural, about: text, question: `${capitalise(wh)} ${inverted(clause, plural)}?` };
}

function readParts(all: Term[]): Parts {
  // "the surprising physics of why cats land on their feet": the question after the frame.
  // "…why" and "…how" start a question wherever they stand; a second one starts another.
  const framed = all.findIndex((t, i) => i > 0 && ((has(t, 'Preposition') && isWh(all[i + 1])) || /^(why|how)$/.test(all[i + 1]?.normal ?? '')) && all[i + 2]);
  const asked = framed >= 0 ? all.slice(framed + 1) : all;
  const next = asked.findIndex((t, i) => i > 0 && /^(why|how)$/.test(t.normal));
  const terms = next > 0 ? asked.slice(0, next) : asked;
  const first = terms[0]!;
  if (first.normal === 'how' && terms[1]?.normal === 'to' && terms.length > 2) {
    const vp = terms.slice(2);
    return { form: 'howto', subject: termsOf(gerundOf(vp)), plural: false, predicate: vp, about: `how to ${join(vp)}`, question: `How do you ${join(vp)}?` };
  }
  if (isWh(first) && terms.length > 1) return readQuestion(terms);
  // "5 budgeting mistakes", "top 10 deadliest snakes", "the 3 best ways to learn Spanish"
  const countAt = terms.findIndex((t, i) => i <= 1 && has(t, 'Value') && !has(t, 'Ordinal')) ;
  if (countAt >= 0 && (countAt === 0 || /^(top|the)$/.test(terms[0]!.normal)) && terms[countAt + 1]) {
    const count = (nlp(terms[countAt]!.text).numbers().get() as number[])[0];
    const items = terms.slice(countAt + 1);
    if (count && count > 1 && count <= 100) {
      // The subject is what the list counts, with its own qualifier ("facts about Mars", "ways to
      // stop procrastinating") but not a relative clause ("… that keep you broke").
      const relative = items.findIndex((t, i) => i > 0 && /^(that|which|who|whose)$/.test(t.normal));
      return {
        form: 'list', subject: relative > 0 ? items.slice(0, relative) : items, plural: true, count, items: join(items),
        about: `the ${count <= 12 ? NUMBER_WORDS[count] : count} ${join(items)}`, question: `What are the ${count <= 12 ? NUMBER_WORDS[count] : count} ${join(items)}?`,
      };
    }
  }
  // Advice: "stop drinking soda", "don't skip leg day" asks why you should (not).
  const negative = isDo(first) && (has(terms[1], 'Negative') || /n['’]?t$/.test(first.text)) ? (has(terms[1], 'Negative') ? 2 : 1) : 0;
  const imperative = negative > 0 ? has(terms[negative], 'Verb') : has(first, 'Imperative') || (has(first, 'Infinitive') && !has(first, 'Noun', 'Gerund', 'Auxiliary'));
  if (imperative && terms.length > negative + 1) {
    const vp = join(terms.slice(negative));
    const should = negative ? 'should not' : 'should';
    return { form: 'why', subject: termsOf(gerundOf(terms.slice(negative))), plural: false, predicate: terms.slice(negative), about: `why you ${should} ${vp}`, question: `Why ${should.replace('should', 'should you')} ${vp}?` };
  }
  // "is coffee bad for you", "can dogs see colour"
  if (isAux(first) && !has(first, 'Noun') && terms.length > 2) {
    const clause = splitClause(terms.slice(1));
    const plural = isPlural(clause.subject);
    return { form: 'yesno', ...clause, plural, about: `whether ${uninverted(first, clause, plural)}`, question: `${capitalise(inline(terms))}?` };
  }
  // A statement: "octopuses have three hearts" (a claim), or just a subject.
  const end = phraseEnd(terms, 0);
  const verbAt = terms.slice(end).findIndex((t) => !has(t, 'Adverb', 'Negative')) + end;
  const verb = terms[verbAt];
  const headline = verbAt === terms.length - 1 && has(verb, 'PastTense') && end > 0; // "black holes explained"
  if (end > 0 && verb && has(verb, 'Verb') && !has(verb, 'Gerund') && !headline) {
    const clause = { subject: terms.slice(0, end), predicate: terms.slice(end) };
    const plural = isPlural(clause.subject);
    const said = inline(terms);
    return { form: 'claim', ...clause, plural, about: `why ${said}`, question: `Why ${inverted(clause, plural)}?` };
  }
  const subject = headline ? terms.slice(0, end) : terms;
  const named = inline(subject);
  return { form: 'thing', subject, about: `the truth about ${named}`, question: `What is the truth about ${named}?` };
}

/** Words a topic is read from at most: a pasted paragraph is read from its first clause. */
const MAX_WORDS = 16;

/**
 * The part of a long topic a sentence can carry: its first sentence, then its first clause, then
 * up to its last noun within the first 16 words — never ending on a function word.
 */
function core(terms: Term[]): Term[] {
  if (terms.length <= MAX_WORDS) return terms;
  const stop = (pattern: RegExp) => {
    const at = terms.findIndex((t, i) => i >= 2 && i < terms.length - 1 && pattern.test(t.post));
    return at >= 0 ? terms.slice(0, at + 1) : terms;
  };
  let cut = stop(/[.!?;:]/);
  if (cut.length > MAX_WORDS) cut = stop(/,/);
  if (cut.length <= MAX_WORDS) return cut.map((t, i) => (i === cut.length - 1 ? { ...t, post: '' } : t));
  const window = cut.slice(0, MAX_WORDS);
  const lastNoun = window.findLastIndex((t) => has(t, 'Noun') && !has(t, 'Pronoun'));
  return window.slice(0, lastNoun >= 2 ? lastNoun + 1 : MAX_WORDS);
}

export const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

/** Analyses a (validated) topic. */
export function readTopic(topic: string): TopicReading {
  const text = topic.replace(/\s+/g, ' ').trim().replace(/[.!?…]+$/u, '');
  // The tagger reads shouting as acronyms: an all-caps topic is read in lower case.
  // Shouting is more than one word in capitals; one ("NASA") is an acronym.
  const shouted = !/\p{Ll}/u.test(text) && /\p{L}+\P{L}+\p{L}/u.test(text);
  const terms = decapitalise(core(termsOf(shouted ? text.toLowerCase() : text, shouted)));
  const contentWords = terms.filter((t) => !has(t, 'Determiner', 'Preposition', 'Conjunction', 'Pronoun', 'Auxiliary', 'Copula', 'QuestionWord') && !isWh(t) && t.text.length > 1).map((t) => t.text);
  const base = { text, headline: capitalise(text), contentWords };
  if (terms.length === 0) return { ...base, form: 'thing', subject: text, keyword: text, plural: false, person: false, question: `What is the truth about ${text}?`, about: `the truth about ${text}` };
  const parts = readParts(terms);
  let subjectTerms = parts.subject.length ? parts.subject : terms;
  let subject = inline(subjectTerms);
  let plural = parts.plural ?? isPlural(subjectTerms);
  // A pronoun subject reads as the activity: "why we dream" is about dreaming.
  if (subjectTerms.length === 1 && has(subjectTerms[0], 'Pronoun') && parts.predicate?.length) {
    subject = gerundOf(parts.predicate);
    subjectTerms = termsOf(subject);
    plural = false;
  } else if (subjectTerms.length === 1 && OBJECT_PRONOUN[subjectTerms[0]!.normal]) subject = OBJECT_PRONOUN[subjectTerms[0]!.normal]!;
  // "a black hole" is any black hole: sentences speak of black holes. "best budget phones" are the best ones.
  if (/^(a|an)\s/i.test(subject) && parts.form === 'define') {
    const doc = nlp(subject.replace(/^(a|an)\s+/i, ''));
    const many = doc.nouns().toPlural().text();
    if (many && doc.nouns().isPlural().found) [subject, plural] = [many, true];
  } else if (has(subjectTerms[0], 'Superlative') || /^(best|worst|most|least)$/.test(subjectTerms[0]?.normal ?? '')) subject = `the ${subject}`;
  const thing = parts.form === 'thing' ? { about: `the truth about ${subject}`, question: `What is the truth about ${subject}?` } : {};
  const keyword = subject.replace(/^(the|a|an|this|these|those|my|your|our|their|his|her|its)\s+/iu, '');
  const person = subjectTerms.every((t) => has(t, 'Person')) && subjectTerms.length > 0;
  return {
    ...base, form: parts.form, subject, keyword, plural, person,
    ...(parts.predicate?.length ? { predicate: join(parts.predicate) } : {}),
    ...(parts.count ? { count: parts.count, items: parts.items! } : {}),
    question: parts.question, about: parts.about, ...thing,
  };
}

/** Describing words that judge rather than name: "the surprising physics" is about physics. */
const JUDGING = new Set(['surprising', 'strange', 'weird', 'amazing', 'interesting', 'shocking', 'scary', 'crazy', 'real', 'true', 'famous', 'popular', 'common', 'simple', 'easy', 'hidden', 'secret', 'big', 'small', 'huge', 'little', 'new', 'old', 'good', 'bad', 'great', 'important', 'rich', 'poor', 'best', 'worst', 'top']);

/** Nouns too vague to follow as a tag. */
const VAGUE = new Set(['things', 'thing', 'ways', 'way', 'stuff', 'reasons', 'reason', 'lot', 'kind', 'kinds', 'someone', 'something', 'anyone', 'anything', 'everyone', 'everything', 'nothing', 'nobody']);

/**
 * The nouns and noun compounds of a text, in order, read by compromise's part-of-speech tagger:
 * a run of nouns is one phrase, with a naming adjective ("black hole", "deep sea creatures") or a
 * gerund ("budgeting mistakes") before its noun; a possessive name ends its phrase ("Taylor
 * Swift's rise" → Taylor Swift, rise); pronouns, numbers, verbs, adverbs and judging adjectives
 * are never kept; the word between "do" and a verb is the subject. In a question whose only verb
 * is the last word ("why cats purr", "how compound interest works") the tagger may read that verb
 * as a noun: it is dropped.
 */
export function topicNouns(topic: string): string[] {
  const text = /\p{Ll}/u.test(topic) ? topic : topic.toLowerCase();
  const words = (nlp(text).terms().json() as { terms: Term[] }[]).map((t) => t.terms[0]!);
  const isNoun = (w: Term | undefined) => has(w, 'Noun') && !has(w, 'Pronoun', 'Value', 'QuestionWord');
  const question = has(words[0], 'QuestionWord') || /^(how|why)$/i.test(words[0]?.text ?? '');
  const verbs = words.filter((w, i) => i > 0 && has(w, 'Verb') && !has(w, 'Auxiliary') && !isDo(w));
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
    const subjectAfterDo = isDo(words[i - 1]) && has(next, 'Verb');
    if (isNoun(w) || naming || gerund || subjectAfterDo) run.push(clean);
    else end();
    // A possessive or punctuation after a word ends its phrase ("Swift's rise", "cats, dogs").
    if (has(w, 'Possessive') || /[,;:.!?]/.test(w.post)) end();
  });
  end();
  return phrases.filter((p) => /\p{L}/u.test(p) && p.length > 1 && !has(termsOf(p)[0], 'Determiner', 'Preposition', 'Conjunction') && !VAGUE.has(p.toLowerCase()));
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
