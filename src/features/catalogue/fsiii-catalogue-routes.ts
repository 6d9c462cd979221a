import { Router } from 'express';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import type { CatalogueService } from './catalogue-service.js';
import { FsiiiCatalogueRequest, FsiiiCatalogueResult, fsiiiRowsFromObjects, importFsiiiCatalogue } from './fsiii-catalogue.js';

/** `POST /api/catalogue-versions/fsiii`: a catalogue version from the FSIII interventions a care system uses. */
export function fsiiiCatalogueRoutes(registry: OpenAPIRegistry, catalogue: CatalogueService): Router {
  const r = Router();
  defineRoute(r, registry, {
    method: 'post',
    path: '/catalogue-versions/fsiii',
    tag: 'Catalogue',
    summary: 'Create a catalogue version from FSIII intervention codes',
    description:
      'One row per Fælles Sprog III intervention with the standard minutes; code, name, category and price group default ' +
      'from FSIII. Rejected rows are reported with row, field and reason; the valid rows become the services of the new ' +
      'version (422 when none is valid). Format and the category derivation table: docs/import-formats.md, "FSIII codes".',
    access: { write: 'catalogue' },
    body: FsiiiCatalogueRequest,
    response: FsiiiCatalogueResult,
    handler: ({ principal, requestId, body }) =>
      importFsiiiCatalogue(catalogue, { principal, requestId }, body, fsiiiRowsFromObjects(body.rows)),
  });
  return r;
}
