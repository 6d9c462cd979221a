import type { Category } from '../../http/common-schemas.js';

/**
 * Fælles Sprog III (FSIII), the Danish municipalities' common care vocabulary: its home-care
 * interventions (indsatser) and the category carepay derives from each.
 *
 * Source (published): KL's FSIII CodeSystem, urn:oid:1.2.208.176.2.21 (also published as
 * http://kl.dk/fhir/common/caresocial/CodeSystem/FSIII), version 20240530, as released in KL
 * Terminologi (github.com/hl7dk/kl-term, input/vocabulary/CodeSystem-FSIII.json) and expanded by
 * the value set KLHomeCareInterventionsFSIII. Each intervention is listed under its paragraph of
 * the Social Services Act (Serviceloven, SEL) or the Elder Care Act (Ældreloven); both its
 * classic code (H1.1 …) and its newer UUID code are accepted, and a UUID is shown with its
 * classic code where FSIII has both for the same intervention. Codes and names are FSIII's own.
 *
 * The category follows the paragraph (docs/import-formats.md, "FSIII codes"):
 *   SEL § 83 stk. 1 nr. 1 personal help and care          → personal_care
 *   SEL § 83 stk. 1 nr. 2 practical help in the home      → practical_help
 *   SEL § 83 stk. 1 nr. 3 meals (madservice)              → meals
 *   SEL § 83a rehabilitation, personal / practical        → personal_care / practical_help
 *   SEL § 84 stk. 1 respite: "Praktisk hjælp efter § 84"  → practical_help, the others → other
 *   SEL § 84 stk. 2 temporary stay                        → other
 *   SEL § 86 stk. 1 and 2 rehabilitation / maintenance training → training
 *   0-ydelser (no-time services)                          → other
 *   Ældreloven interventions: personal help and care → personal_care, practical help →
 *   practical_help, meals → meals, rehabilitation → training, the others → other.
 * A municipality that sets a category on the service keeps its own; the table only fills a gap.
 */
export type FsiiiGroup =
  | 'sel83_1_1'
  | 'sel83_1_2'
  | 'sel83_1_3'
  | 'sel83a_personal'
  | 'sel83a_practical'
  | 'sel84_1'
  | 'sel84_2'
  | 'sel86_1'
  | 'sel86_2'
  | 'zero'
  | 'aeldrelov';

export interface FsiiiIntervention {
  code: string;
  /** FSIII's Danish name of the intervention. */
  display: string;
  group: FsiiiGroup;
  /** The classic H code of a UUID-coded intervention (the same intervention), if FSIII has one. */
  classicCode: string | null;
  category: Category;
}

/** The FHIR code systems FSIII is published under (KL Gateway uses the OID, KL common the URL). */
export const FSIII_SYSTEMS = ['urn:oid:1.2.208.176.2.21', 'http://kl.dk/fhir/common/caresocial/CodeSystem/FSIII'] as const;

export const FSIII_GROUP_NAMES: Record<FsiiiGroup, string> = {
  sel83_1_1: 'SEL § 83 stk. 1, nr. 1 Personlig hjælp og pleje',
  sel83_1_2: 'SEL § 83 stk. 1, nr. 2 Praktisk hjælp i hjemmet',
  sel83_1_3: 'SEL § 83 stk. 1, nr. 3 Madservice',
  sel83a_personal: 'SEL § 83a Rehabilitering personlig hjælp og pleje',
  sel83a_practical: 'SEL § 83a Rehabilitering praktisk hjælp i hjemmet',
  sel84_1: 'SEL § 84 stk. 1 Aflastning - afløsning',
  sel84_2: 'SEL § 84 stk. 2 Midlertidigt ophold',
  sel86_1: 'SEL § 86 stk. 1 Genoptræning',
  sel86_2: 'SEL § 86 stk. 2 Vedligeholdelsestræning',
  zero: '0-ydelser',
  aeldrelov: 'Ældrelovsindsats',
};

const GROUP_CATEGORY: Record<Exclude<FsiiiGroup, 'sel84_1' | 'aeldrelov'>, Category> = {
  sel83_1_1: 'personal_care',
  sel83_1_2: 'practical_help',
  sel83_1_3: 'meals',
  sel83a_personal: 'personal_care',
  sel83a_practical: 'practical_help',
  sel84_2: 'other',
  sel86_1: 'training',
  sel86_2: 'training',
  zero: 'other',
};

const AELDRELOV_CATEGORY: Record<string, Category> = {
  Personlig_hjaelp_og_pleje: 'personal_care',
  Praktisk_hjaelp_i_hjemmet: 'practical_help',
  Madservice: 'meals',
  Genoptraening: 'training',
};

function categoryOf(code: string, display: string, group: FsiiiGroup): Category {
  if (group === 'aeldrelov') return AELDRELOV_CATEGORY[code] ?? 'other';
  if (group === 'sel84_1') return display === 'Praktisk hjælp efter §84' ? 'practical_help' : 'other';
  return GROUP_CATEGORY[group];
}

// [code, FSIII display, paragraph group, classic code of a UUID]
const TABLE: ReadonlyArray<readonly [string, string, FsiiiGroup, string?]> = [
  ['17312894-b23f-43d9-9723-b725ac25d872', 'Personlig hygiejne', 'sel83_1_1', 'H1.1'],
  ['1ae7906b-5f16-4ba4-9077-7f59067cbedb', 'Hverdagens aktiviteter', 'sel83_1_1', 'H1.5'],
  ['4a4add40-ee74-4090-bd70-48d9bda9c5c4', 'Udskillelser', 'sel83_1_1', 'H1.2'],
  ['a3af0522-e228-4a6a-b5c2-c9fcf0f3b2c4', 'Tilsyn/omsorg', 'sel83_1_1', 'H1.6'],
  ['ac68ca34-bfad-4254-a715-6fd758838e67', 'Ernæring', 'sel83_1_1', 'H1.3'],
  ['ef8ee035-00d2-48b9-b366-27753ccd5504', 'Mobilitet', 'sel83_1_1', 'H1.4'],
  ['074078e1-b78b-4167-b125-f7b76923469e', 'Praktiske indsatser i relation til børn i husstanden', 'sel83_1_2', 'H1.12'],
  ['1d25d761-72a9-41c8-a29d-d6a47975dc05', 'Tilberede/anrette mad', 'sel83_1_2', 'H1.10'],
  ['43608562-e356-4990-8b96-e35128bbdc4f', 'Rengøring', 'sel83_1_2', 'H1.8'],
  ['8bf6aa06-6e1f-47b6-96ab-4b7d153305f0', 'Tøjvask', 'sel83_1_2', 'H1.9'],
  ['bc0306e2-5090-4bc8-b878-9814cafea403', 'Indkøb', 'sel83_1_2', 'H1.7'],
  ['17e261ba-e33b-467a-af08-094dc38b4190', 'RH Indkøb', 'sel83a_practical', 'H2.3'],
  ['6b3c5af0-22ac-40eb-bc50-c7734da2bf6d', 'RH Tilberede/anrette mad', 'sel83a_practical', 'H2.7'],
  ['8cbba31e-ae0c-4fb4-9389-21acf9805ad2', 'RH Praktiske indsatser i relation til børn i husstanden', 'sel83a_practical', 'H2.11'],
  ['b3c16115-d0d9-4229-a526-df366d44f948', 'RH Rengøring', 'sel83a_practical', 'H2.6'],
  ['dae030b6-2807-4a99-aebb-9309f5997082', 'RH Tøjvask', 'sel83a_practical', 'H2.9'],
  ['9aad7654-b9f9-40a3-84d9-2ae1dec4228a', 'Madservice', 'sel83_1_3', 'H1.11'],
  ['4e5198d5-7d1b-44bc-9ab0-98ca8964a521', 'Generel 0-ydelse', 'zero', 'H7.1'],
  ['4e6ac795-fc5d-433a-9d0a-1b1006132525', 'Koordinerende 0-ydelse', 'zero', 'H7.2'],
  ['06ebbe96-1f58-4f77-b06e-217ac754c597', 'Afløsning i hjemmet', 'sel84_1', 'H3.2'],
  ['406a5834-76fc-42fb-a1d5-c471e39f9ef0', 'Aflastningsophold uden for hjemmet', 'sel84_1', 'H3.1'],
  ['78bdd2d6-c5cc-446f-8f68-78a9416134ec', 'Praktisk hjælp efter §84', 'sel84_1', 'H3.3'],
  ['c7d79b23-a53d-4ad5-a536-24d7c7fe8e18', 'Vedligehold af færdigheder', 'sel86_2', 'H6.1'],
  ['82d29975-53e4-4634-bd1c-87278376bb9e', 'Midlertidig ophold', 'sel84_2', 'H4.1'],
  ['49b9601f-eff7-43a4-8263-56296ec82601', 'Genoptræning af funktionsnedsættelse', 'sel86_1', 'H5.1'],
  ['0b654911-f2b6-47d3-948b-3e9fb315b4c9', 'RH Mobilitet', 'sel83a_personal', 'H2.4'],
  ['2912752c-2e9e-4702-8787-b45f73ff5b05', 'RH Personlig hygiejne', 'sel83a_personal', 'H2.5'],
  ['42a41f1d-80a5-4a3e-8de2-db8bb684a889', 'RH Tilsyn/omsorg', 'sel83a_personal', 'H2.8'],
  ['754c06a7-d6f1-4f8d-ad3e-a5c109efaca6', 'RH Ernæring', 'sel83a_personal', 'H2.1'],
  ['a6199582-15a7-4c3d-bbdf-21f5059031c6', 'RH Udskillelser', 'sel83a_personal', 'H2.10'],
  ['f9cd3ded-f8af-4060-aad5-7e7c342d0230', 'RH Hverdagens aktiviteter', 'sel83a_personal', 'H2.2'],
  ['H1.1', 'Personlig hygiejne', 'sel83_1_1'],
  ['H1.5', 'Hverdagens aktiviteter', 'sel83_1_1'],
  ['H1.2', 'Udskillelser', 'sel83_1_1'],
  ['H1.6', 'Tilsyn/omsorg', 'sel83_1_1'],
  ['H1.3', 'Ernæring', 'sel83_1_1'],
  ['H1.4', 'Mobilitet', 'sel83_1_1'],
  ['Praktisk_hjaelp_i_hjemmet', 'Praktisk hjaelp i hjemmet', 'aeldrelov'],
  ['Madservice', 'Madservice', 'aeldrelov'],
  ['Afloesning_i_hjemmet', 'Afløsning i hjemmet', 'aeldrelov'],
  ['Midlertidigt_ophold', 'Midlertidigt ophold', 'aeldrelov'],
  ['Koordinering_med_paaroerende_og_eller_civilsamfund', 'Koordinering med pårørende og/eller civilsamfund', 'aeldrelov'],
  ['Personlig_hjaelp_og_pleje', 'Personlig hjælp og pleje', 'aeldrelov'],
  ['Genoptraening', 'Genoptræning', 'aeldrelov'],
  ['Aflastningsophold_uden_for_hjemmet', 'Aflastningsophold uden for hjemmet', 'aeldrelov'],
  ['Dialog_med_borger_om_tilrettelaeggelse_af_forloeb', 'Dialog med borger om tilrettelæggelse af forløb', 'aeldrelov'],
  ['H1.12', 'Praktiske indsatser i relation til børn i husstanden', 'sel83_1_2'],
  ['H1.10', 'Tilberede/anrette mad', 'sel83_1_2'],
  ['H1.8', 'Rengøring', 'sel83_1_2'],
  ['H1.9', 'Tøjvask', 'sel83_1_2'],
  ['H1.7', 'Indkøb', 'sel83_1_2'],
  ['H2.3', 'RH Indkøb', 'sel83a_practical'],
  ['H2.7', 'RH Tilberede/anrette mad', 'sel83a_practical'],
  ['H2.11', 'RH Praktiske indsatser i relation til børn i husstanden', 'sel83a_practical'],
  ['H2.6', 'RH Rengøring', 'sel83a_practical'],
  ['H2.9', 'RH Tøjvask', 'sel83a_practical'],
  ['H1.11', 'Madservice', 'sel83_1_3'],
  ['H7.1', 'Generel 0-ydelse', 'zero'],
  ['H7.2', 'Koordinerende 0-ydelse', 'zero'],
  ['H3.2', 'Afløsning i hjemmet', 'sel84_1'],
  ['H3.1', 'Aflastningsophold uden for hjemmet', 'sel84_1'],
  ['H3.3', 'Praktisk hjælp efter §84', 'sel84_1'],
  ['H6.1', 'Vedligehold af færdigheder', 'sel86_2'],
  ['H4.1', 'Midlertidig ophold', 'sel84_2'],
  ['H5.1', 'Genoptræning af funktionsnedsættelse', 'sel86_1'],
  ['H2.4', 'RH Mobilitet', 'sel83a_personal'],
  ['H2.5', 'RH Personlig hygiejne', 'sel83a_personal'],
  ['H2.8', 'RH Tilsyn/omsorg', 'sel83a_personal'],
  ['H2.1', 'RH Ernæring', 'sel83a_personal'],
  ['H2.10', 'RH Udskillelser', 'sel83a_personal'],
  ['H2.2', 'RH Hverdagens aktiviteter', 'sel83a_personal'],
];

const BY_CODE: ReadonlyMap<string, FsiiiIntervention> = new Map(
  TABLE.map(([code, display, group, classic]) => [
    code,
    { code, display, group, classicCode: classic ?? null, category: categoryOf(code, display, group) },
  ]),
);

/** The FSIII home-care intervention with this code (classic or UUID), or undefined. */
export function fsiiiIntervention(code: string): FsiiiIntervention | undefined {
  return BY_CODE.get(code.trim());
}

/** Every home-care intervention of the table (for documentation and tests). */
export function fsiiiInterventions(): FsiiiIntervention[] {
  return [...BY_CODE.values()];
}

/** The category derived from an FSIII code, or null when the code is not a home-care intervention of FSIII. */
export function categoryFromFsiii(code: string): Category | null {
  return fsiiiIntervention(code)?.category ?? null;
}
