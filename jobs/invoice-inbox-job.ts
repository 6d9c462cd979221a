import path from 'node:path';
import { DateTime } from 'luxon';
import type { InvoiceControlService } from '../src/features/invoice-control/invoice-control-service.js';
import { processInbox } from '../src/features/invoice-control/invoice-inbox.js';
import type { MunicipalJob } from './scheduler.js';

/**
 * Every five minutes, the documents the access point delivered to the municipality's inbox folder
 * (`<INVOICE_INBOX_DIR>/<code>/`) are received and checked. The period is the five-minute slot;
 * files are claimed by atomic rename, so a slot that overlaps a manual `carepay invoice inbox` is safe.
 */
export function invoiceInboxJob(service: InvoiceControlService, inboxDir: string): MunicipalJob {
  return {
    name: 'invoice-inbox',
    cron: '*/5 * * * *',
    periodDueAt(at: Date, zone: string): string {
      const now = DateTime.fromJSDate(at, { zone });
      return now.set({ minute: now.minute - (now.minute % 5), second: 0, millisecond: 0 }).toFormat("yyyy-MM-dd'T'HH:mm");
    },
    async run(tx, municipalityId, _period, ctx) {
      const { code } = await tx('municipalities').where({ id: municipalityId }).first('code');
      const who = {
        principal: { municipalityId, role: 'finance' as const, providerId: null, actor: `inbox:${ctx.instance}`, tokenId: null },
        requestId: null,
      };
      await processInbox(service, who, path.join(inboxDir, code), ctx.instance);
    },
  };
}
