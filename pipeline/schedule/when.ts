import * as chrono from 'chrono-node';
import { DateTime, IANAZone } from 'luxon';
import { UserError } from '../../core/errors';

/** The furthest ahead a post may be scheduled. */
export const MAX_AHEAD_DAYS = 366;
/** A time this far in the past still counts as "now" (the person typed it a moment ago). */
const GRACE_MS = 60_000;
const EXAMPLES = '“tomorrow 18:00”, “fri 9am”, “in 2h”, “2026-12-24 09:30” or “now”';

export interface ParsedWhen {
  at: Date;
  /** "Sat 12 Dec 2026, 18:00 (Europe/Berlin)" */
  local: string;
  /** "2026-12-12 17:00 UTC" */
  utc: string;
  /** Said when the words did not name one exact time: a DST gap or fold, or no time of day. */
  note?: string;
}

/** Is this an IANA time zone name (Europe/Berlin, America/New_York, UTC)? */
export function isTimeZone(name: string): boolean {
  return name.length <= 64 && IANAZone.isValidZone(name);
}

/** The zone's canonical spelling ("europe/berlin" → "Europe/Berlin"), or null when unknown. */
export function canonicalZone(name: string): string | null {
  if (!isTimeZone(name.trim())) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: name.trim() }).resolvedOptions().timeZone;
}

/** How an instant reads in a zone and in UTC, for confirmations and lists. */
export function describeTime(at: Date, timeZone: string): { local: string; utc: string } {
  const local = DateTime.fromJSDate(at, { zone: timeZone }).toFormat('ccc d LLL yyyy, HH:mm');
  return { local: `${local} (${timeZone})`, utc: `${DateTime.fromJSDate(at, { zone: 'utc' }).toFormat('yyyy-LL-dd HH:mm')} UTC` };
}

const hhmm = (d: DateTime) => d.toFormat('HH:mm');

/**
 * Reads a time the way people write it — "tomorrow 18:00", "fri 9am", "in 2h",
 * "2026-12-24 09:30", "now" — in the chat's time zone. chrono-node finds the words; it only
 * knows fixed offsets, so it gets the zone's offset now, and the wall-clock parts it found are
 * turned into an instant by luxon with the real zone rules (an hour across a DST change would
 * otherwise be off). Durations ("in 2h") and times that name their own zone ("9am PST") are
 * taken as chrono's instant. Refuses the unreadable, the past and more than a year ahead.
 */
export function parseWhen(text: string, timeZone: string, now: Date): ParsedWhen {
  const input = text.trim().replace(/\s+/g, ' ');
  if (!input) throw new UserError('no_time', `Say when to post, e.g. ${EXAMPLES}.`);
  if (input.length > 100 || /[\p{Cc}\p{Cf}]/u.test(input)) throw new UserError('bad_time', `That is not a time I can read. Try ${EXAMPLES}.`);
  if (!isTimeZone(timeZone)) throw new UserError('bad_timezone', `The chat's time zone “${timeZone}” is unknown. A manager can fix it in /video settings (e.g. Europe/Berlin).`);
  if (/^(now|right now|asap|immediately)$/i.test(input)) return { at: now, ...describeTime(now, timeZone) };

  const offset = DateTime.fromJSDate(now, { zone: timeZone }).offset;
  const results = chrono.parse(input, { instant: now, timezone: offset }, { forwardDate: true });
  const found = results[0];
  // Everything the person typed must be part of the time ("at", "on" and the like aside), so
  // "tomorrow or friday" or "18:00 maybe" are not silently half-read.
  const leftover = found ? `${input.slice(0, found.index)} ${input.slice(found.index + found.text.length)}` : input;
  if (!found || results.length > 1 || /[\p{L}\p{N}]/u.test(leftover.replace(/\b(at|on|the|please|post|it)\b/gi, ''))) {
    throw new UserError('bad_time', `I could not read “${input.slice(0, 60)}” as a time. Try ${EXAMPLES}.`);
  }
  const s = found.start;
  let at: DateTime;
  let note: string | undefined;
  if (s.isCertain('timezoneOffset')) {
    at = DateTime.fromJSDate(s.date(), { zone: timeZone });
  } else {
    const wall = { year: s.get('year')!, month: s.get('month')!, day: s.get('day')!, hour: s.get('hour')!, minute: s.get('minute')! };
    at = DateTime.fromObject(wall, { zone: timeZone });
    const asked = DateTime.fromObject(wall, { zone: 'utc' });
    if (!at.isValid) throw new UserError('bad_time', `I could not read “${input.slice(0, 60)}” as a time. Try ${EXAMPLES}.`);
    if (at.hour !== wall.hour || at.minute !== wall.minute) {
      note = `${hhmm(asked)} does not exist on ${asked.toFormat('d LLL yyyy')} in ${timeZone} (the clocks go forward), so I took ${hhmm(at)}.`;
    } else {
      const both = at.getPossibleOffsets();
      if (both.length > 1) {
        at = both[0]!.toMillis() <= both[1]!.toMillis() ? both[0]! : both[1]!;
        note = `${hhmm(asked)} happens twice on ${asked.toFormat('d LLL yyyy')} in ${timeZone} (the clocks go back); I took the first one, ${at.toFormat('HH:mm ZZZZ')}.`;
      }
    }
    if (!s.isCertain('hour')) note = `No time of day given, so I took ${hhmm(at)}.`;
  }
  const ms = at.toMillis();
  if (ms < now.getTime() - GRACE_MS) {
    throw new UserError('time_past', `${describeTime(at.toJSDate(), timeZone).local} has already passed. Give a time in the future, e.g. ${EXAMPLES}.`);
  }
  if (ms > now.getTime() + MAX_AHEAD_DAYS * 86_400_000) {
    throw new UserError('time_far', `That is more than a year ahead. Schedule within the next ${MAX_AHEAD_DAYS} days.`);
  }
  const when = new Date(Math.max(ms, now.getTime()));
  return { at: when, ...describeTime(when, timeZone), ...(note ? { note } : {}) };
}
