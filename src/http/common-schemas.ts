import { z } from 'zod';

/** A calendar date, YYYY-MM-DD, that really exists. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a real calendar date')
  .meta({ example: '2026-03-01' });

/** An instant with an explicit offset (Z or ±hh:mm). */
export const IsoDateTime = z.iso.datetime({ offset: true }).meta({ example: '2026-03-02T07:30:00+01:00' });

export const Ref = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1–64)');
export const Code = z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'letters, digits, _ . - (1–32)');

export const IdParam = z.object({ id: z.coerce.number().int().positive() });

export const Paging = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

/**
 * Paging of the long lists (visits, settlement lines). Counting every matching row cost more than
 * reading a page, so the total is counted only on request; `next` says whether there is more and
 * `after=<next>` reads on from there without an offset to skip.
 */
export const KeysetPaging = Paging.extend({
  after: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .meta({ description: 'Continue after this item: the `next` of the previous page (offset must then be 0)' }),
  count: z
    .stringbool()
    .default(false)
    .meta({ type: 'boolean', default: false, description: 'Also count all matching items (total); costs a scan of them' }),
});
export type KeysetPage = { limit: number; offset: number; after?: number | undefined; count: boolean };

/** A page of a long list: `total` only when count=true was asked; `next` is null on the last page. */
export function keysetListOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      total: z.number().int().optional().meta({ description: 'All matching items; present only with count=true' }),
      next: z.number().int().nullable().meta({ description: 'Pass as after= for the next page; null when this page is the last' }),
      limit: z.number().int(),
      offset: z.number().int(),
    })
    .meta({ id });
}

export const CATEGORIES = ['personal_care', 'practical_help', 'meals', 'training', 'night_patrol', 'alarm', 'other'] as const;
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

/** The code of one of the municipality's provider kinds (GET /api/provider-kinds), e.g. `municipal`, `private`, `entreprenad`. */
export const ProviderKind = z
  .string()
  .regex(/^[a-z0-9_-]{1,32}$/, "a provider kind's code: 1-32 lower-case letters, digits, - or _")
  .meta({ description: "the code of one of the municipality's provider kinds (GET /api/provider-kinds)" });

export function listOf<T extends z.ZodType>(item: T, id: string) {
  return z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }).meta({ id });
}

/** Half-open validity [validFrom, validTo): validTo, when given, must be after validFrom. */
export const validityRefinement = (v: { validFrom?: string; validTo?: string | null }) =>
  !v.validFrom || !v.validTo || v.validTo > v.validFrom;
