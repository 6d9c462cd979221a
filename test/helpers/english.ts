/**
 * English words that have no place on a Danish or Swedish page or document: engine messages,
 * error pages, chart axes, codes and token ids (issue 19). Matched as whole words,
 * case-insensitive, in what the reader sees: the text of the page, titles, labels and the chart's
 * texts. Shared by the browser tests (test/e2e/language.test.ts, demo-language.test.ts) and the API
 * tests of the demos (test/api/demo-se.test.ts, test/api/demo.test.ts).
 */
export const ENGLISH = [
  'the',
  'and',
  'of',
  'not found',
  'granted',
  'grant',
  'on',
  'minutes',
  'registered',
  'hours',
  'week',
  'settlement',
  'invoice',
  'provider',
  'citizen',
  'approved',
  'draft',
  'exception',
  'your role',
  'may not',
  'chosen',
  'affordable',
  'per week',
  'sign in',
  'sign out',
  'download',
  'show',
  'cli:root',
  'token:',
  'urban',
  'rural',
  'personal_care',
  'weekend_holiday',
];

/** The words of ENGLISH found in `text`. */
export const englishIn = (text: string) =>
  ENGLISH.filter((w) =>
    new RegExp(`(^|[^\\p{L}\\p{N}_:])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[^\\p{L}\\p{N}_])`, 'iu').test(text),
  );

/** Everything a reader sees or hears on the page. Runs in the page (a string, so the test needs no DOM types). */
export const READABLE = `(() => {
  const attrs = [...document.querySelectorAll('[title], [aria-label], [alt], [placeholder]')].flatMap((e) =>
    ['title', 'aria-label', 'alt', 'placeholder'].map((a) => e.getAttribute(a) ?? ''));
  const svg = [...document.querySelectorAll('svg')].map((s) => s.textContent ?? '');
  return [document.title, document.body.innerText, ...attrs, ...svg].join('\\n');
})()`;

/**
 * READABLE without a browser, for a page fetched as HTML: the text between the tags (scripts and
 * styles left out) and the title, aria-label, alt and placeholder attributes, entities decoded.
 */
export function readableHtml(html: string): string {
  const decode = (s: string) =>
    s
      .replace(/&nbsp;|&#160;/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;|&#x27;/g, "'")
      .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&amp;/g, '&');
  const attrs = [...html.matchAll(/\s(?:title|aria-label|alt|placeholder)="([^"]*)"/g)].map((m) => decode(m[1]!));
  const text = decode(
    html
      .replace(/<script[\s\S]*?<\/script>/gi, ' ')
      .replace(/<style[\s\S]*?<\/style>/gi, ' ')
      .replace(/<[^>]+>/g, '\n'),
  );
  return [text, ...attrs].join('\n');
}
