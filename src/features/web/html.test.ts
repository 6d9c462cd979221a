import { describe, expect, it } from 'vitest';
import { html, query, trusted } from './html.js';

describe('html templates', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const name = `<script>alert("x")</script> & 'y' \``;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; &#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; &#96;</p>',
    );
  });

  it('nests templates and lists without escaping them twice, and drops empty values', () => {
    const items = ['a<b', 'c'].map((s) => html`<li>${s}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
    expect(html`${trusted('<svg></svg>')}`.value).toBe('<svg></svg>');
  });

  it('builds query strings from defined values only', () => {
    expect(query({ period: '2026-04', offset: 0, citizen: undefined, q: 'a&b' })).toBe('?period=2026-04&offset=0&q=a%26b');
    expect(query({ a: undefined, b: '' })).toBe('');
  });
});
