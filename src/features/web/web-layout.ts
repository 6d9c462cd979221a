import { areaName, NO_AREA_NAMES, type AreaNames } from '../areas/area-names.js';
import { Decimal } from 'decimal.js';
import type { Response } from 'express';
import { DateTime } from 'luxon';
import { mayRead, mayWrite, type Acting, type Resource } from '../auth/auth-types.js';
import { bandLabel, categoryLabel, formatAmount, formatDate, formatNumber, kindLabel, labelsFor } from '../invoices/invoice-labels.js';
import type { Language } from '../invoices/invoice-types.js';
import { forbidden } from '../../shared/errors.js';
import { controlWords } from '../invoice-control/control-words.js';
import { html, type Html } from './html.js';
import type { Flash, WebSession } from './web-sessions.js';
import { textsFor, type T } from './web-text.js';

/** What every page handler gets: who is signed in, where, in which language, and the formatters. */
export interface WebContext {
  session: WebSession;
  who: Acting;
  lang: Language;
  t: T;
  municipality: { id: number; code: string; name: string; currency: string; timeZone: string };
  flash: Flash | null;
  /** The provider a provider user acts for (its name), else null. */
  providerName: string | null;
  /** Who is signed in, by name: the token's or the user's display name (auth/actor-names.ts). */
  personName: string;
  /** The municipality's area names by code (docs/areas.md): what pages show instead of a code. */
  areas: AreaNames;
}

/** Pages are personal and change with every action: never cached, never framed, scripts only from here. */
export function securityHeaders(res: Response): void {
  res.set({
    'content-security-policy':
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  });
}

export const ctxOf = (res: Response): WebContext => res.locals.web as WebContext;

/** The same role checks as the API routes (src/http/route.ts): the page refuses what the API refuses. */
export function requireRead(c: WebContext, resource: Resource | null): void {
  if (resource !== null && !mayRead(c.who.principal.role, resource)) throw forbidden();
}
export function requireWrite(c: WebContext, resource: Resource): void {
  if (!mayWrite(c.who.principal.role, resource)) throw forbidden();
}
export const canWrite = (c: WebContext, resource: Resource) => mayWrite(c.who.principal.role, resource);
export const canRead = (c: WebContext, resource: Resource) => mayRead(c.who.principal.role, resource);

export function formatters(lang: Language, currency: string, timeZone: string, areas: AreaNames = NO_AREA_NAMES) {
  return {
    money: (v: Decimal.Value) => formatAmount(v, currency, lang),
    number: (v: Decimal.Value, places = 2) => formatNumber(v, places, lang),
    hours: (v: Decimal.Value | null) => (v === null ? '–' : formatNumber(v, 2, lang)),
    /** Hours with the unit the documents use (da t, sv h, en h). */
    hoursWithUnit: (v: Decimal.Value) => `${formatNumber(v, 2, lang)} ${labelsFor(lang).hoursUnit}`,
    hoursOfMinutes: (minutes: number) => formatNumber(new Decimal(minutes).div(60), 2, lang),
    percent: (v: Decimal.Value | null) => (v === null ? '–' : `${new Decimal(v).gt(0) ? '+' : ''}${formatNumber(v, 2, lang)} %`),
    date: (iso: string) => formatDate(iso, lang),
    instant: (iso: string | null) => (iso === null ? '–' : DateTime.fromISO(iso).setZone(timeZone).toFormat('yyyy-MM-dd HH:mm')),
    category: (code: string | null) => (code === null ? '' : categoryLabel(code, lang)),
    band: (code: string | null) => bandLabel(code, lang),
    lineKind: (code: string) => kindLabel(code, lang),
    /** An area by the municipality's name for it, else its code; null (no area) as ''. */
    area: (code: string | null) => (code === null ? '' : areaName(areas, code)),
  };
}
export type Fmt = ReturnType<typeof formatters>;
export const fmtOf = (c: WebContext): Fmt => formatters(c.lang, c.municipality.currency, c.municipality.timeZone, c.areas);

/** A hidden field with the session's CSRF token; every POST form carries one. */
export const csrfField = (c: WebContext) => html`<input type="hidden" name="_csrf" value="${c.session.csrfToken}">`;

/** A one-button POST form (approve, issue, lock…). `busy` shows the working indicator while it runs. */
export function actionButton(
  c: WebContext,
  action: string,
  label: string,
  opts: { back?: string; secondary?: boolean; name?: string } = {},
): Html {
  return html`<form method="post" action="${action}" class="inline" data-busy>
    ${csrfField(c)}${opts.back ? html`<input type="hidden" name="back" value="${opts.back}">` : ''}
    <button type="submit"${opts.secondary ? html` class="secondary"` : ''}${opts.name ? html` aria-label="${opts.name}"` : ''}>${label}</button>
  </form>`;
}

interface NavItem {
  href: string;
  label: string;
  show: boolean;
}

function nav(c: WebContext, current: string): Html {
  const role = c.who.principal.role;
  const notProvider = role !== 'provider';
  const items: NavItem[] = [
    { href: '/app/settlements', label: c.t.navSettlements, show: true },
    { href: '/app/invoices', label: c.t.navInvoices, show: true },
    { href: '/app/payment-bases', label: controlWords(c.lang).page.nav, show: role !== 'budget_controller' },
    { href: '/app/compare', label: c.t.navCompare, show: notProvider && role !== 'budget_controller' },
    { href: '/app/budget', label: c.t.navBudget, show: mayRead(role, 'budgets') },
    { href: '/app/follow-up', label: c.t.navFollowUp, show: mayRead(role, 'budgets') },
    { href: '/app/recalculation', label: role === 'provider' ? c.t.navAdjustments : c.t.navRecalculation, show: true },
    { href: '/app/users', label: c.t.navUsers, show: role === 'admin' },
  ];
  // The budget controller's own pages come first.
  if (role === 'budget_controller')
    items.sort(
      (a, b) =>
        Number(b.href.startsWith('/app/budget') || b.href === '/app/follow-up') -
        Number(a.href.startsWith('/app/budget') || a.href === '/app/follow-up'),
    );
  return html`<nav aria-label="carepay"><ul>${items
    .filter((i) => i.show)
    .map((i) => html`<li><a href="${i.href}"${i.href === current ? html` aria-current="page"` : ''}>${i.label}</a></li>`)}</ul></nav>`;
}

/** The page frame: skip link, header with the municipality and who is signed in, navigation, the one-time message. */
export function page(c: WebContext, opts: { title: string; current: string; body: Html }): Html {
  const who = c.who.principal;
  const roleName = c.t[`role_${who.role}`];
  return document(
    c.lang,
    opts.title,
    c.municipality.name,
    html`
    <header class="top">
      <div class="brand"><span class="logo">carepay</span> <span class="muni">${c.municipality.name}</span></div>
      ${nav(c, opts.current)}
      <div class="who">
        <span>${c.t.signedInAs} <strong>${c.personName}</strong> (${roleName})${c.providerName !== null ? html` · <strong>${c.providerName}</strong>` : ''}</span>
        <form method="post" action="/app/logout" class="inline">${csrfField(c)}<button type="submit" class="link">${c.t.signOut}</button></form>
      </div>
    </header>
    <main id="main" tabindex="-1">
      <h1>${opts.title}</h1>
      ${c.flash ? html`<p class="flash ${c.flash.kind}" role="${c.flash.kind === 'error' ? 'alert' : 'status'}">${c.flash.text}</p>` : ''}
      ${opts.body}
    </main>`,
  );
}

/** The HTML document around a page (also used by the sign-in and error pages). */
export function document(lang: Language, title: string, place: string, body: Html): Html {
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${place === 'carepay' ? `${title} · carepay` : `${title} · ${place} · carepay`}</title>
<link rel="stylesheet" href="/app/static/app.css">
<script src="/app/static/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">${textsFor(lang).skip}</a>
${body}
</body>
</html>
`;
}

/** A status as a badge with its word (colour is never the only signal). */
export const badge = (kind: string, text: string) => html`<span class="badge ${kind}">${text}</span>`;

export const statusBadge = (c: WebContext, status: 'draft' | 'approved' | 'invoiced') => badge(status, c.t[`status_${status}`]);

/** Navigation by page within a list. */
export function pager(c: WebContext, base: (offset: number) => string, offset: number, limit: number, total: number): Html {
  if (total <= limit) return html``;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return html`<nav class="pager" aria-label="${c.t.lines}">
    ${offset > 0 ? html`<a href="${base(Math.max(0, offset - limit))}">${c.t.previous}</a>` : ''}
    <span>${from}–${to} ${c.t.of} ${total}</span>
    ${to < total ? html`<a href="${base(offset + limit)}">${c.t.next}</a>` : ''}
  </nav>`;
}
