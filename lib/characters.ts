/**
 * Characters that end up in specs by copy and paste and look like nothing, or like ASCII, but are
 * not: zero-width and bidirectional controls, non-breaking and other special spaces, typographic
 * quotes and dashes. Messages show them escaped (`\u200b`) and named, so the reader sees them.
 * Names are the Unicode character names (https://www.unicode.org/charts/).
 */

/** What a suspicious character is and how to fix it. */
export interface SuspiciousCharacter {
  /** Unicode name, e.g. `ZERO WIDTH SPACE`. */
  readonly name: string;
  /** `invisible`: shows as nothing or as a plain space; `typographic`: looks like an ASCII character. */
  readonly kind: 'invisible' | 'typographic';
  /** What to type instead; an empty string means delete it. */
  readonly replacement: string;
}

const invisible = (name: string, replacement = ''): SuspiciousCharacter => ({ name, kind: 'invisible', replacement });
const typographic = (name: string, replacement: string): SuspiciousCharacter => ({ name, kind: 'typographic', replacement });

/** Suspicious characters by code point. */
export const SUSPICIOUS_CHARACTERS: ReadonlyMap<number, SuspiciousCharacter> = new Map([
  [0x00a0, invisible('NO-BREAK SPACE', ' ')],
  [0x00ad, invisible('SOFT HYPHEN')],
  [0x034f, invisible('COMBINING GRAPHEME JOINER')],
  [0x061c, invisible('ARABIC LETTER MARK')],
  [0x115f, invisible('HANGUL CHOSEONG FILLER')],
  [0x1160, invisible('HANGUL JUNGSEONG FILLER')],
  [0x180e, invisible('MONGOLIAN VOWEL SEPARATOR')],
  [0x2000, invisible('EN QUAD', ' ')],
  [0x2001, invisible('EM QUAD', ' ')],
  [0x2002, invisible('EN SPACE', ' ')],
  [0x2003, invisible('EM SPACE', ' ')],
  [0x2004, invisible('THREE-PER-EM SPACE', ' ')],
  [0x2005, invisible('FOUR-PER-EM SPACE', ' ')],
  [0x2006, invisible('SIX-PER-EM SPACE', ' ')],
  [0x2007, invisible('FIGURE SPACE', ' ')],
  [0x2008, invisible('PUNCTUATION SPACE', ' ')],
  [0x2009, invisible('THIN SPACE', ' ')],
  [0x200a, invisible('HAIR SPACE', ' ')],
  [0x200b, invisible('ZERO WIDTH SPACE')],
  [0x200c, invisible('ZERO WIDTH NON-JOINER')],
  [0x200d, invisible('ZERO WIDTH JOINER')],
  [0x200e, invisible('LEFT-TO-RIGHT MARK')],
  [0x200f, invisible('RIGHT-TO-LEFT MARK')],
  [0x2028, invisible('LINE SEPARATOR')],
  [0x2029, invisible('PARAGRAPH SEPARATOR')],
  [0x202a, invisible('LEFT-TO-RIGHT EMBEDDING')],
  [0x202b, invisible('RIGHT-TO-LEFT EMBEDDING')],
  [0x202c, invisible('POP DIRECTIONAL FORMATTING')],
  [0x202d, invisible('LEFT-TO-RIGHT OVERRIDE')],
  [0x202e, invisible('RIGHT-TO-LEFT OVERRIDE')],
  [0x202f, invisible('NARROW NO-BREAK SPACE', ' ')],
  [0x205f, invisible('MEDIUM MATHEMATICAL SPACE', ' ')],
  [0x2060, invisible('WORD JOINER')],
  [0x2061, invisible('FUNCTION APPLICATION')],
  [0x2062, invisible('INVISIBLE TIMES')],
  [0x2063, invisible('INVISIBLE SEPARATOR')],
  [0x2064, invisible('INVISIBLE PLUS')],
  [0x2066, invisible('LEFT-TO-RIGHT ISOLATE')],
  [0x2067, invisible('RIGHT-TO-LEFT ISOLATE')],
  [0x2068, invisible('FIRST STRONG ISOLATE')],
  [0x2069, invisible('POP DIRECTIONAL ISOLATE')],
  [0x3000, invisible('IDEOGRAPHIC SPACE', ' ')],
  [0x3164, invisible('HANGUL FILLER')],
  [0xfeff, invisible('ZERO WIDTH NO-BREAK SPACE (byte order mark)')],
  [0x2010, typographic('HYPHEN', '-')],
  [0x2011, typographic('NON-BREAKING HYPHEN', '-')],
  [0x2012, typographic('FIGURE DASH', '-')],
  [0x2013, typographic('EN DASH', '-')],
  [0x2014, typographic('EM DASH', '-')],
  [0x2015, typographic('HORIZONTAL BAR', '-')],
  [0x2212, typographic('MINUS SIGN', '-')],
  [0x2018, typographic('LEFT SINGLE QUOTATION MARK', "'")],
  [0x2019, typographic('RIGHT SINGLE QUOTATION MARK', "'")],
  [0x201a, typographic('SINGLE LOW-9 QUOTATION MARK', "'")],
  [0x201b, typographic('SINGLE HIGH-REVERSED-9 QUOTATION MARK', "'")],
  [0x201c, typographic('LEFT DOUBLE QUOTATION MARK', '"')],
  [0x201d, typographic('RIGHT DOUBLE QUOTATION MARK', '"')],
  [0x201e, typographic('DOUBLE LOW-9 QUOTATION MARK', '"')],
  [0x201f, typographic('DOUBLE HIGH-REVERSED-9 QUOTATION MARK', '"')],
  [0x2032, typographic('PRIME', "'")],
  [0x2033, typographic('DOUBLE PRIME', '"')],
  [0x00ab, typographic('LEFT-POINTING DOUBLE ANGLE QUOTATION MARK', '"')],
  [0x00bb, typographic('RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK', '"')],
  [0x2026, typographic('HORIZONTAL ELLIPSIS', '...')],
]);

const PATTERN = new RegExp(`[${[...SUSPICIOUS_CHARACTERS.keys()].map((c) => `\\u${c.toString(16).padStart(4, '0')}`).join('')}]`, 'gu');

/** `\u200b`: the JavaScript/JSON escape of a BMP code point. */
export function escapeCodePoint(codePoint: number): string {
  return `\\u${codePoint.toString(16).padStart(4, '0')}`;
}

/** Replaces every suspicious character of `text` by its escape, e.g. `fsn\u200b1`. */
export function escapeSuspicious(text: string): string {
  return text.replace(PATTERN, (c) => escapeCodePoint(c.codePointAt(0)!));
}

/** One kind of suspicious character found in a text. */
export interface FoundCharacter extends SuspiciousCharacter {
  /** The code point, e.g. `0x200b`. */
  readonly codePoint: number;
  /** 1-based position (in UTF-16 units, as editors count columns) of its first occurrence. */
  readonly position: number;
  /** How often it occurs. */
  readonly count: number;
}

/**
 * The suspicious characters of `text`, each once, in order of first occurrence.
 *
 * @param kinds which kinds to look for (free text may hold typographic quotes on purpose)
 */
export function findSuspicious(text: string, kinds: readonly SuspiciousCharacter['kind'][] = ['invisible', 'typographic']): FoundCharacter[] {
  const found = new Map<number, { position: number; count: number }>();
  for (const match of text.matchAll(PATTERN)) {
    const codePoint = match[0].codePointAt(0)!;
    if (!kinds.includes(SUSPICIOUS_CHARACTERS.get(codePoint)!.kind)) continue;
    const seen = found.get(codePoint);
    if (seen) seen.count++;
    else found.set(codePoint, { position: match.index + 1, count: 1 });
  }
  return [...found].map(([codePoint, at]) => ({ codePoint, ...SUSPICIOUS_CHARACTERS.get(codePoint)!, ...at }));
}

/**
 * Describes found characters for a message, e.g. `U+200B ZERO WIDTH SPACE (\u200b) at character 4;
 * delete it` or `U+2013 EN DASH (\u2013) at character 5; replace it with a plain -`.
 */
export function describeSuspicious(found: readonly FoundCharacter[]): string {
  return found
    .map((c) => {
      const hex = c.codePoint.toString(16).toUpperCase().padStart(4, '0');
      const where = `at character ${c.position}${c.count > 1 ? ` (${c.count} times)` : ''}`;
      const fix = c.replacement === '' ? 'delete it' : `replace it with ${c.replacement === ' ' ? 'a plain space' : c.replacement === '...' ? 'three dots (...)' : `a plain ${c.replacement}`}`;
      return `U+${hex} ${c.name} (${escapeCodePoint(c.codePoint)}) ${where}; ${fix}`;
    })
    .join('; ');
}
