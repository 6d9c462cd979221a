import { z } from 'zod';
import { Ref } from '../../http/common-schemas.js';

export const AreaCode = Ref.meta({
  description: "an area's code, as citizens, visits, rates, level prices, budgets and models name it (e.g. urban, rural); never changes",
});
const AreaName = z.string().trim().min(1).max(100);

export const AreaOut = z
  .object({
    code: AreaCode,
    name: z.string().meta({ description: "the area's name in the municipality's own words, shown to users instead of the code" }),
    inUse: z.object({
      citizens: z.number().int().meta({ description: 'citizens living in the area' }),
      visits: z.boolean().meta({ description: 'whether any visit (any version) was registered in the area' }),
      priceLists: z.array(z.string()).meta({ description: 'labels of the price lists with a rate or level price for the area' }),
      budgets: z.array(z.number().int()).meta({ description: 'years with a budget line for the area' }),
      models: z.array(z.string()).meta({ description: 'reimbursement models with an area supplement for it' }),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Area' });
export type AreaOut = z.infer<typeof AreaOut>;
export type AreaUses = AreaOut['inUse'];

export const AreaCreate = z.strictObject({ code: AreaCode, name: AreaName }).meta({ id: 'AreaCreate' });
export type AreaCreate = z.infer<typeof AreaCreate>;

export const AreaUpdate = z.strictObject({ name: AreaName }).meta({ id: 'AreaUpdate' });
export type AreaUpdate = z.infer<typeof AreaUpdate>;

export const AreaParam = z.object({ code: AreaCode });

export const AreaList = z.object({ items: z.array(AreaOut) }).meta({ id: 'AreaList' });
