import { describe, expect, it } from 'vitest';
import { UserError } from '../../../core/errors';
import { canonicalZone, parseWhen } from '../../../pipeline/schedule/when';

const iso = (text: string, zone: string, now: string) => parseWhen(text, zone, new Date(now)).at.toISOString();
const refusal = (text: string, zone: string, now: string) => {
  try {
    parseWhen(text, zone, new Date(now));
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as UserError).code;
  }
  throw new Error(`"${text}" was accepted`);
};

// Sunday 6 December 2026, 18:12 UTC = 19:12 in Berlin = 13:12 in New York.
const NOW = '2026-12-06T18:12:00.000Z';

describe('times in people’s words, in the chat’s time zone', () => {
  it('reads the usual phrasings in UTC, Berlin and New York', () => {
    expect(iso('tomorrow 18:00', 'UTC', NOW)).toBe('2026-12-07T18:00:00.000Z');
    expect(iso('tomorrow 18:00', 'Europe/Berlin', NOW)).toBe('2026-12-07T17:00:00.000Z');
    expect(iso('tomorrow 18:00', 'America/New_York', NOW)).toBe('2026-12-07T23:00:00.000Z');
    expect(iso('fri 9am', 'Europe/Berlin', NOW)).toBe('2026-12-11T08:00:00.000Z');
    expect(iso('in 2h', 'Asia/Kolkata', NOW)).toBe('2026-12-06T20:12:00.000Z');
    expect(iso('in 1 minute', 'UTC', NOW)).toBe('2026-12-06T18:13:00.000Z');
    expect(iso('2026-12-24 09:30', 'Europe/Berlin', NOW)).toBe('2026-12-24T08:30:00.000Z');
    expect(iso('now', 'Europe/Berlin', NOW)).toBe(NOW);
    expect(iso('Now', 'UTC', NOW)).toBe(NOW);
    // A time of day already gone today means the next one.
    expect(iso('10:00', 'Europe/Berlin', NOW)).toBe('2026-12-07T09:00:00.000Z');
    expect(iso('at 21:00', 'Europe/Berlin', NOW)).toBe('2026-12-06T20:00:00.000Z');
  });

  it('answers with the exact local and UTC time', () => {
    const w = parseWhen('tomorrow 18:00', 'Europe/Berlin', new Date(NOW));
    expect(w.local).toBe('Mon 7 Dec 2026, 18:00 (Europe/Berlin)');
    expect(w.utc).toBe('2026-12-07 17:00 UTC');
    expect(w.note).toBeUndefined();
    expect(parseWhen('dec 24', 'UTC', new Date(NOW)).note).toMatch(/No time of day given, so I took 12:00/);
  });

  it('keeps the wall-clock time across a DST change (chrono alone is an hour off there)', () => {
    // Saturday 28 March 2026 in Berlin (CET, +1); the clocks go to CEST (+2) that night.
    expect(iso('tomorrow 18:00', 'Europe/Berlin', '2026-03-28T10:00:00Z')).toBe('2026-03-29T16:00:00.000Z');
    // New York springs forward on 8 March 2026.
    expect(iso('tomorrow 9am', 'America/New_York', '2026-03-07T15:00:00Z')).toBe('2026-03-08T13:00:00.000Z');
    // And back on 1 November 2026.
    expect(iso('tomorrow 9am', 'America/New_York', '2026-10-31T15:00:00Z')).toBe('2026-11-01T14:00:00.000Z');
    // A duration is a duration, whatever the clocks do: 01:30 CET + 2 h = 04:30 CEST.
    expect(iso('in 2h', 'Europe/Berlin', '2026-03-29T00:30:00Z')).toBe('2026-03-29T02:30:00.000Z');
  });

  it('says which time it took in the hour that does not exist and in the one that happens twice', () => {
    const gap = parseWhen('2026-03-29 02:30', 'Europe/Berlin', new Date('2026-03-20T10:00:00Z'));
    expect(gap.at.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(gap.note).toMatch(/02:30 does not exist on 29 Mar 2026 in Europe\/Berlin .* so I took 03:30/);
    const fold = parseWhen('2026-10-25 02:30', 'Europe/Berlin', new Date('2026-10-20T10:00:00Z'));
    expect(fold.at.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(fold.note).toMatch(/02:30 happens twice .* I took the first one, 02:30 GMT\+2/);
  });

  it('refuses the past, the absurd, the unreadable and unknown zones, each with a reason', () => {
    expect(refusal('yesterday 10:00', 'UTC', NOW)).toBe('time_past');
    expect(refusal('2026-12-01 10:00', 'UTC', NOW)).toBe('time_past');
    expect(refusal('2028-01-01 10:00', 'UTC', NOW)).toBe('time_far');
    expect(refusal('in 400 days', 'UTC', NOW)).toBe('time_far');
    expect(refusal('whenever you like', 'UTC', NOW)).toBe('bad_time');
    expect(refusal('18:00 maybe', 'UTC', NOW)).toBe('bad_time');
    expect(refusal('tomorrow 9am or friday 9am', 'UTC', NOW)).toBe('bad_time');
    expect(refusal('tomorrow\u0000 9am', 'UTC', NOW)).toBe('bad_time');
    expect(refusal('   ', 'UTC', NOW)).toBe('no_time');
    expect(refusal('x'.repeat(200), 'UTC', NOW)).toBe('bad_time');
    expect(refusal('tomorrow 9am', 'Mars/Olympus_Mons', NOW)).toBe('bad_timezone');
    // A bare time of day a minute ago is the next one, never the past.
    expect(iso('18:11', 'UTC', NOW)).toBe('2026-12-07T18:11:00.000Z');
  });

  it('knows zone names in any case and spells them back properly', () => {
    expect(canonicalZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalZone('UTC')).toBe('UTC');
    expect(canonicalZone('Berlin')).toBeNull();
    expect(canonicalZone('Mars/Base')).toBeNull();
  });
});
