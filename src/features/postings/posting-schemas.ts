import { z } from 'zod';
import { CATEGORIES } from '../../http/common-schemas.js';

/** A category of service, or "vat" for the VAT of a provider's settlements. */
export const PostingCategory = z.enum([...CATEGORIES, 'vat']);
export type PostingCategory = z.infer<typeof PostingCategory>;

export const PostingAccount = z
  .object({
    category: PostingCategory,
    providerKind: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,32}$/, 'a provider kind code (letters, digits, _ . -, 1–32)')
      .meta({ description: 'The code of the provider kind (e.g. municipal, private)', example: 'private' }),
    account: z
      .string()
      .min(1)
      .max(100)
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters')
      .meta({
        description: "The municipality's account string (kontostreng / konteringssträng), as its accounting system reads it",
        example: '5.32.32.1-4000-12',
      }),
  })
  .meta({ id: 'PostingAccount' });
export type PostingAccount = z.infer<typeof PostingAccount>;

export const PostingAccounts = z.strictObject({ accounts: z.array(PostingAccount).max(500) }).meta({ id: 'PostingAccounts' });
export type PostingAccounts = z.infer<typeof PostingAccounts>;
