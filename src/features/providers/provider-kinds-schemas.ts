import { z } from 'zod';
import { ProviderKind } from '../../http/common-schemas.js';

const KindName = z.string().trim().min(1).max(100);

/** A kind's name in each language the service speaks; `ownName`, when set, is shown instead in every language. */
const KindNames = z.strictObject({ da: KindName, sv: KindName, en: KindName });

export const ProviderKindOut = z
  .object({
    id: z.number().int(),
    code: ProviderKind,
    names: KindNames,
    ownName: z.string().nullable().meta({ description: "the municipality's own name, shown to users in every language when set" }),
    name: z.string().meta({ description: "the name shown to users: ownName, else the name in the municipality's language" }),
    inHouse: z.boolean().meta({
      description:
        "the municipality's own provision (kommunal regi): the kind whose costs and prices the recalculation starts from; at most one",
    }),
    inUse: z.object({
      providers: z.number().int(),
      priceLists: z.array(z.string()).meta({ description: 'labels of the price lists with a rate or level price for the kind' }),
      models: z.array(z.string()).meta({ description: 'names of the reimbursement models that name the kind' }),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ProviderKind' });
export type ProviderKindOut = z.infer<typeof ProviderKindOut>;

export const ProviderKindCreate = z
  .strictObject({
    code: ProviderKind,
    names: KindNames,
    ownName: KindName.nullable().optional(),
    inHouse: z.boolean().optional(),
  })
  .meta({ id: 'ProviderKindCreate' });
export type ProviderKindCreate = z.infer<typeof ProviderKindCreate>;

export const ProviderKindUpdate = z
  .strictObject({
    names: KindNames.partial().optional(),
    ownName: KindName.nullable().optional(),
    inHouse: z.boolean().optional(),
  })
  .meta({ id: 'ProviderKindUpdate' });
export type ProviderKindUpdate = z.infer<typeof ProviderKindUpdate>;

export const ProviderKindParam = z.object({ code: ProviderKind });

export const ProviderKindList = z.object({ items: z.array(ProviderKindOut) }).meta({ id: 'ProviderKindList' });
