import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import { csvDocument } from '../../shared/csv-writer.js';
import { forbidden, text, unprocessable } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import type { Acting } from '../auth/auth-types.js';
import { parsePeriod } from '../settlements/settlement-period.js';
import type { PostingAccount, PostingCategory } from './posting-schemas.js';

/** One line of the posting file: what one provider is paid for one category in the month (or its VAT). */
export interface Posting {
  account: string;
  providerRef: string;
  providerName: string;
  providerKind: string;
  category: PostingCategory;
  amount: Decimal;
  settlementIds: number[];
}

export interface PostingFile {
  period: string;
  currency: string;
  postings: Posting[];
  /** The approved settlements' own totals, which the postings add up to. */
  totalExclVat: Decimal;
  vat: Decimal;
  csv: string;
}

const HEADER = ['period', 'account', 'provider_ref', 'provider_name', 'provider_kind', 'category', 'amount', 'currency', 'settlements'];

/**
 * The approved month as an accounting posting file: one line per provider and category with the
 * sum of the approved (and invoiced) settlements' lines, corrections included, and one VAT line per
 * provider with VAT. Amounts are the settlements' own rounded line amounts summed, never
 * recomputed, so the file adds up to the settlements to the øre. Accounts come from the
 * municipality's settings per category and provider kind; a missing one refuses the file (422),
 * naming it, since a line without an account cannot be booked.
 */
export class PostingService {
  constructor(private readonly db: Knex) {}

  async accounts(who: Acting): Promise<{ accounts: PostingAccount[] }> {
    const rows = await this.db('posting_accounts')
      .where({ municipality_id: who.principal.municipalityId })
      .orderBy(['category', 'provider_kind'])
      .select('category', 'provider_kind', 'account');
    return { accounts: rows.map((r) => ({ category: r.category, providerKind: r.provider_kind, account: r.account })) };
  }

  /** Replaces the municipality's accounts (one transaction, audited). */
  async setAccounts(who: Acting, accounts: PostingAccount[]): Promise<{ accounts: PostingAccount[] }> {
    const m = who.principal.municipalityId;
    const seen = new Map<string, number>();
    accounts.forEach((a, i) => {
      const key = `${a.category}|${a.providerKind}`;
      const first = seen.get(key);
      if (first !== undefined) {
        throw unprocessable(`accounts[${i}] repeats ${a.category} × ${a.providerKind} of accounts[${first}]`, {
          field: `accounts.${i}`,
          duplicateOf: first,
        });
      }
      seen.set(key, i);
    });
    return this.db.transaction(async (tx) => {
      const before = (await this.accounts(who)).accounts;
      await tx('posting_accounts').where({ municipality_id: m }).delete();
      if (accounts.length > 0) {
        await tx('posting_accounts').insert(
          accounts.map((a) => ({
            municipality_id: m,
            category: a.category,
            provider_kind: a.providerKind,
            account: a.account,
            updated_by: who.principal.actor,
          })),
        );
      }
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'update',
        entity: 'posting_accounts',
        entityId: m,
        changes: { before, after: accounts },
      });
      const rows = await tx('posting_accounts')
        .where({ municipality_id: m })
        .orderBy(['category', 'provider_kind'])
        .select('category', 'provider_kind', 'account');
      return { accounts: rows.map((r) => ({ category: r.category, providerKind: r.provider_kind, account: r.account })) };
    });
  }

  async postingFile(who: Acting, periodText: string): Promise<PostingFile> {
    if (who.principal.role === 'provider') throw forbidden("A provider may not read the municipality's posting file", { role: 'provider' });
    const m = who.principal.municipalityId;
    const period = parsePeriod(periodText);
    const settled = `from settlements s join providers p on p.municipality_id = s.municipality_id and p.id = s.provider_id
       where s.municipality_id = ? and s.period_start = ? and s.status in ('approved', 'invoiced')`;
    const totals = (
      await this.db.raw(
        `select count(*)::int as n, coalesce(sum(s.total_excl_vat), 0) as excl, coalesce(sum(s.vat), 0) as vat, min(s.currency) as currency ${settled}`,
        [m, period.from],
      )
    ).rows[0];
    if (totals.n === 0)
      throw unprocessable(`No approved settlement for ${period.period}: approve the month's settlements first`, {
        period: period.period,
      }).localised('posting.no_approved', { period: period.period });
    const lines = (
      await this.db.raw(
        `select p.ref, p.name, p.kind, x.category, sum(x.amount) as amount, array_agg(distinct s.id order by s.id) as ids
           ${settled.replace(
             'from settlements s',
             `from settlements s join (
               select municipality_id, settlement_id, category, amount from settlement_lines
               union all
               select municipality_id, settlement_id, 'vat', vat from settlement_vat) x
             on x.municipality_id = s.municipality_id and x.settlement_id = s.id`,
           )}
          group by p.ref, p.name, p.kind, x.category
         having sum(x.amount) <> 0 or x.category <> 'vat'
          order by p.ref, x.category = 'vat', x.category`,
        [m, period.from],
      )
    ).rows as Array<{ ref: string; name: string; kind: string; category: PostingCategory; amount: string; ids: number[] }>;

    const accounts = new Map((await this.accounts(who)).accounts.map((a) => [`${a.category}|${a.providerKind}`, a.account]));
    const missing = [...new Set(lines.filter((l) => !accounts.has(`${l.category}|${l.kind}`)).map((l) => `${l.category} × ${l.kind}`))];
    if (missing.length > 0) {
      const pairs = missing.map((s) => ({ category: s.split(' × ')[0]!, providerKind: s.split(' × ')[1]! }));
      throw unprocessable(`No account is set for ${missing.join(', ')} (category × provider kind): set it in the posting accounts`, {
        missing: pairs,
      }).localised('posting.no_account', {
        pairs: {
          items: pairs.map((x, i) => text(missing[i]!, 'posting.pair', { category: x.category, kind: x.providerKind })),
          separator: ', ',
        },
      });
    }
    const postings: Posting[] = lines.map((l) => ({
      account: accounts.get(`${l.category}|${l.kind}`)!,
      providerRef: l.ref,
      providerName: l.name,
      providerKind: l.kind,
      category: l.category,
      amount: new Decimal(l.amount),
      settlementIds: l.ids,
    }));
    const currency: string = totals.currency;
    const csv = csvDocument(
      HEADER,
      postings.map((p) => [
        period.period,
        p.account,
        p.providerRef,
        p.providerName,
        p.providerKind,
        p.category,
        p.amount.toFixed(2),
        currency,
        p.settlementIds.join(' '),
      ]),
    );
    return { period: period.period, currency, postings, totalExclVat: new Decimal(totals.excl), vat: new Decimal(totals.vat), csv };
  }
}
