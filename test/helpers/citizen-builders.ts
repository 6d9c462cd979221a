import type { AbsenceCreate } from '../../src/features/citizens/absences-schemas.js';
import type { CitizenCreate } from '../../src/features/citizens/citizens-schemas.js';
import type { ProviderChoiceCreate } from '../../src/features/citizens/choices-schemas.js';

let seq = 0;

export function aCitizen(over: Partial<CitizenCreate> = {}): CitizenCreate {
  return { ref: `C${++seq}`, area: 'north', ...over };
}

/** An initial choice from 2026-01-01 unless told otherwise. */
export function aChoice(citizenId: number, providerId: number, over: Partial<ProviderChoiceCreate> = {}): ProviderChoiceCreate {
  return { citizenId, providerId, category: 'personal_care', validFrom: '2026-01-01', ...over };
}

export function anAbsence(citizenId: number, over: Partial<AbsenceCreate> = {}): AbsenceCreate {
  return { citizenId, kind: 'hospital', planned: false, validFrom: '2026-02-10', validTo: '2026-02-15', ...over };
}

export const ids = (body: { items: Array<{ id: number }> }) => body.items.map((i) => i.id);
