import { Router } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { AppError, payloadTooLarge } from '../../shared/errors.js';
import { FhirImportResult, type FhirImportService } from './fhir-import.js';
import { ImportQuery } from './imports-schemas.js';

const FHIR_TYPES = new Set(['application/fhir+json', 'application/json']);

export const FhirBundleUpload = z.record(z.string(), z.unknown()).meta({
  description: 'A FHIR R4 Bundle (KL Gateway CareDeliveryReport or KL caresocial resources), a Bundle of such bundles, or an array of them',
});

export const FhirOrganisationIds = z
  .strictObject({
    values: z
      .array(z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'an identifier value such as a SOR id (letters, digits, _ . : -)'))
      .max(200)
      .meta({ description: 'Identifier values (typically SOR ids) of Patient.managingOrganization that are this municipality' }),
  })
  .meta({ id: 'FhirOrganisationIds' });

/** `POST /api/imports/fhir` (mounted before express.json(): the bundle is read by the service, within the upload limit). */
export function fhirImportRoutes(registry: OpenAPIRegistry, service: FhirImportService, maxUploadBytes: number): Router {
  const r = Router();
  defineRoute(r, registry, {
    method: 'post',
    path: '/imports/fhir',
    tag: 'Imports',
    summary: 'Import a FHIR bundle of planned and delivered care (KL profiles) as grants and visits',
    description:
      'CarePlan → grant, Encounter (finished) → visit, codes from FSIII mapped to the services of the catalogue. The rows go ' +
      'through the grants and the visits import (two batches), idempotent on (municipality, source system, external id = ' +
      'resource id). Every CarePlan and Encounter that cannot be mapped or imported is reported with its number, resource, ' +
      'element and reason. Not FHIR or not JSON → 400 and nothing is written. Mapping: docs/import-formats.md, "FHIR bundles".',
    access: { write: 'imports' },
    query: ImportQuery,
    consumes: { 'application/fhir+json': { schema: FhirBundleUpload }, 'application/json': { schema: FhirBundleUpload } },
    response: FhirImportResult,
    handler: async ({ principal, requestId, query, req }) => {
      const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (!FHIR_TYPES.has(type)) {
        throw new AppError(
          415,
          'unsupported_media_type',
          `Send the bundle as application/fhir+json (got "${type || 'no Content-Type'}")`,
        ).localised('fhir.content_type', { type: type || 'no Content-Type' });
      }
      const declared = Number(req.get('content-length') ?? NaN);
      if (declared > maxUploadBytes) throw payloadTooLarge(maxUploadBytes);
      try {
        return await service.importBundle({ principal, requestId }, req, {
          ...(query.source ? { source: query.source } : {}),
          filename: query.filename ?? null,
          maxBytes: maxUploadBytes,
        });
      } catch (err) {
        req.resume();
        throw err;
      }
    },
  });
  return r;
}

/** The municipality's organisation ids in FHIR bundles (JSON body: mounted after express.json()). */
export function fhirSettingsRoutes(registry: OpenAPIRegistry, service: FhirImportService): Router {
  const r = Router();
  defineRoute(r, registry, {
    method: 'get',
    path: '/imports/fhir/organisation-ids',
    tag: 'Imports',
    summary: "The identifiers (SOR ids) under which the municipality's care system reports its citizens in FHIR",
    access: { read: 'imports' },
    response: FhirOrganisationIds,
    handler: ({ principal, requestId }) => service.organisationIds({ principal, requestId }),
  });
  defineRoute(r, registry, {
    method: 'put',
    path: '/imports/fhir/organisation-ids',
    tag: 'Imports',
    summary: "Set the identifiers (SOR ids) of the municipality's Patient.managingOrganization in FHIR bundles",
    access: { write: 'imports' },
    body: FhirOrganisationIds,
    response: FhirOrganisationIds,
    handler: ({ principal, requestId, body }) => service.setOrganisationIds({ principal, requestId }, body.values),
  });
  return r;
}
