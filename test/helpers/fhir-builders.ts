import type { Bundle, CarePlan, Encounter, FhirResource, Organization, Patient, Procedure } from 'fhir/r4.js';

/**
 * FHIR R4 resources as KL's care profiles describe them: KL Gateway (CareDeliveryReport bundle,
 * CareCitizen, CarePlannedIntervention, GeneralCareEncounter) and KL common caresocial
 * (PlannedIntervention with its performer and schedule, Encounter with serviceProvider,
 * CompletedIntervention as Procedure). Only what the profiles allow is set.
 */
export const FSIII_OID = 'urn:oid:1.2.208.176.2.21';
export const FSIII_URL = 'http://kl.dk/fhir/common/caresocial/CodeSystem/FSIII';
export const CPR = 'urn:oid:1.2.208.176.1.2';
export const SOR = 'urn:oid:1.2.208.176.1.1';
const KL_CODES = 'http://fhir.kl.dk/term/CodeSystem/CareSocialCodes';

export const aCitizenResource = (id: string, cpr: string, managingSor = '123456789012345'): Patient => ({
  resourceType: 'Patient',
  id,
  identifier: [{ use: 'official', system: CPR, value: cpr }],
  managingOrganization: { identifier: { use: 'official', system: SOR, value: managingSor } },
});

export const anOrganisation = (id: string, value: string): Organization => ({
  resourceType: 'Organization',
  id,
  identifier: [{ use: 'official', system: 'urn:oid:2.16.840.1.113883.2.24.1.1', value }],
});

export function aPlannedIntervention(
  id: string,
  patient: string,
  code: { system?: string; code: string; display?: string },
  over: Partial<CarePlan> & {
    timing?: NonNullable<NonNullable<CarePlan['activity']>[number]['detail']>['scheduledTiming'] | null;
    performer?: string;
  } = {},
): CarePlan {
  const { timing, performer, ...rest } = over;
  return {
    resourceType: 'CarePlan',
    id,
    status: 'active',
    intent: 'plan',
    subject: { reference: `Patient/${patient}` },
    period: { start: '2026-03-01' },
    activity: [
      {
        detail: {
          code: { coding: [{ system: code.system ?? FSIII_OID, code: code.code, ...(code.display ? { display: code.display } : {}) }] },
          status: 'in-progress',
          ...(timing === null ? {} : { scheduledTiming: timing ?? { repeat: { frequency: 1, period: 1, periodUnit: 'd' } } }),
          ...(performer ? { performer: [{ reference: `Organization/${performer}` }] } : {}),
        },
      },
    ],
    ...rest,
  };
}

export function anEncounter(id: string, patient: string, over: Partial<Encounter> & { basedOnIntervention?: string } = {}): Encounter {
  const { basedOnIntervention, ...rest } = over;
  return {
    resourceType: 'Encounter',
    id,
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'HH' },
    type: [{ coding: [{ system: KL_CODES, code: '784275f1-6822-4a88-b361-d958007d5253', display: 'udførelse af planlagt indsats' }] }],
    subject: { reference: `Patient/${patient}` },
    period: { start: '2026-03-02T07:30:00+01:00', end: '2026-03-02T08:00:00+01:00' },
    ...(basedOnIntervention
      ? {
          extension: [
            {
              url: 'http://fhir.kl.dk/gateway/StructureDefinition/BasedOnInterventionExtension',
              valueReference: { reference: `CarePlan/${basedOnIntervention}` },
            },
          ],
        }
      : {}),
    ...rest,
  };
}

export const aFollowUp = (id: string, patient: string): Encounter => ({
  ...anEncounter(id, patient),
  status: 'planned',
  type: [{ coding: [{ system: KL_CODES, code: '9f03dfbb-7a97-45a5-94db-d4c3501714a9', display: 'opfølgning' }] }],
  period: { start: '2026-04-01' },
});

export const aCompletedIntervention = (id: string, patient: string, encounter: string, code: string): Procedure => ({
  resourceType: 'Procedure',
  id,
  status: 'completed',
  subject: { reference: `Patient/${patient}` },
  code: { coding: [{ system: FSIII_OID, code }] },
  encounter: { reference: `Encounter/${encounter}` },
});

/** A KL Gateway CareDeliveryReport: a collection bundle per citizen. */
export const aDeliveryReport = (resources: ReadonlyArray<FhirResource | Record<string, unknown>>): Bundle => ({
  resourceType: 'Bundle',
  type: 'collection',
  timestamp: '2026-04-01T00:00:00Z',
  entry: resources.map((r) => {
    const res = r as { resourceType?: string; id?: string };
    return { ...(res.resourceType && res.id ? { fullUrl: `${res.resourceType}/${res.id}` } : {}), resource: r as FhirResource };
  }),
});
