import type { Router } from 'express';
import type { Services } from '../../services.js';
import { ctxOf, requireRead } from '../web/web-layout.js';

/** `/app/posting-files/YYYY-MM`: the posting CSV of the month, linked from the settlements of the month (finance). */
export function mountPostingPages(r: Router, services: Services): void {
  r.get('/posting-files/:period', async (req, res) => {
    const c = ctxOf(res);
    requireRead(c, 'settlements');
    const file = await services.postings.postingFile(c.who, String(req.params.period));
    res.type('text/csv; charset=utf-8').set('content-disposition', `attachment; filename="posting-${file.period}.csv"`).send(file.csv);
  });
}
