import { create } from 'xmlbuilder2';
import type { Language } from '../invoices/invoice-types.js';
import { differenceText, reasonText } from './control-words.js';
import type { Difference, DifferenceCode, Reason, ReasonCode } from './invoice-control-types.js';
import { children, domReader, type El } from './ubl-dom.js';

/**
 * The Peppol Invoice Response (BIS Invoice Response 3, transaction T111): a UBL ApplicationResponse
 * from the municipality (sender) to the provider (receiver) about one received invoice, built like
 * the examples of OpenPEPPOL's poacc-upgrade-3 ("T111-uc003 Invoice is accepted", "uc004a
 * rejected", "uc006c under query"). Status AP accepted, RE rejected, UQ under query, each reason as
 * a clarification code of the OPStatusReason list with the sentence in the municipality's
 * language. `checkInvoiceResponse` encodes the T111 rules the generated documents depend on.
 */
export const RESPONSE_NS = {
  ar: 'urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
};
export const RESPONSE_CUSTOMIZATION_ID = 'urn:fdc:peppol.eu:poacc:trns:invoice_response:3';
export const RESPONSE_PROFILE_ID = 'urn:fdc:peppol.eu:poacc:bis:invoice_response:3';
/** UNCL4343 subset of T111. */
const RESPONSE_CODES = ['AB', 'IP', 'UQ', 'CA', 'RE', 'AP', 'PD'];
/** OPStatusReason and OPStatusAction code lists (PEPPOL-T111-R007, R006). */
const STATUS_REASONS = ['NON', 'REF', 'LEG', 'REC', 'QUA', 'DEL', 'PRI', 'QTY', 'ITM', 'PAY', 'PPD', 'UNR', 'FIN', 'OTH'];
const STATUS_ACTIONS = ['NOA', 'PIN', 'NIN', 'CNF', 'CNP', 'CNA', 'OTH'];

export type ResponseCode = 'AP' | 'RE' | 'UQ';

export interface ResponseParty {
  name: string;
  endpoint: { id: string; scheme: string };
}

export interface ResponseInput {
  id: string;
  issueDate: string;
  sender: ResponseParty;
  receiver: ResponseParty;
  document: { number: string; typeCode: string };
  code: ResponseCode;
  statuses: { reasonCode: string; text: string }[];
}

const REASON_STATUS: Record<ReasonCode, string> = {
  empty: 'OTH',
  too_large: 'OTH',
  not_xml: 'OTH',
  unsafe_xml: 'OTH',
  not_ubl: 'OTH',
  not_peppol_billing: 'LEG',
  rules_failed: 'LEG',
  buyer_unknown: 'REC',
  buyer_other_municipality: 'REC',
  seller_unknown: 'UNR',
  duplicate: 'OTH',
  no_reference: 'REF',
  reference_other_seller: 'REF',
  already_invoiced: 'REF',
};
const DIFFERENCE_STATUS: Record<DifferenceCode, string> = {
  document_type: 'REF',
  period: 'DEL',
  currency: 'FIN',
  tax_exclusive: 'PRI',
  vat_total: 'FIN',
  vat_base: 'FIN',
  vat_rate: 'FIN',
  tax_inclusive: 'PRI',
  payable: 'PRI',
  line_amount: 'PRI',
  line_quantity: 'QTY',
  line_price: 'PRI',
  line_missing: 'ITM',
  line_extra: 'ITM',
};

/** The statuses of a response: one per refusal reason or difference, in the language of the municipality. */
export function responseStatuses(
  reasons: readonly Reason[],
  differences: readonly Difference[],
  language: Language,
): ResponseInput['statuses'] {
  return [
    ...reasons.map((r) => ({ reasonCode: REASON_STATUS[r.code], text: reasonText(r, language) })),
    ...differences.map((d) => ({ reasonCode: DIFFERENCE_STATUS[d.code], text: differenceText(d, language) })),
  ];
}

export function renderInvoiceResponse(r: ResponseInput): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(RESPONSE_NS.ar, 'ApplicationResponse', {
    'xmlns:cac': RESPONSE_NS.cac,
    'xmlns:cbc': RESPONSE_NS.cbc,
  });
  root.ele('cbc:CustomizationID').txt(RESPONSE_CUSTOMIZATION_ID);
  root.ele('cbc:ProfileID').txt(RESPONSE_PROFILE_ID);
  root.ele('cbc:ID').txt(r.id);
  root.ele('cbc:IssueDate').txt(r.issueDate);
  for (const [name, p] of [
    ['cac:SenderParty', r.sender],
    ['cac:ReceiverParty', r.receiver],
  ] as const) {
    const party = root.ele(name);
    party.ele('cbc:EndpointID', { schemeID: p.endpoint.scheme }).txt(p.endpoint.id);
    party.ele('cac:PartyLegalEntity').ele('cbc:RegistrationName').txt(p.name);
  }
  const dr = root.ele('cac:DocumentResponse');
  const response = dr.ele('cac:Response');
  response.ele('cbc:ResponseCode').txt(r.code);
  for (const s of r.statuses) {
    const status = response.ele('cac:Status');
    status.ele('cbc:StatusReasonCode', { listID: 'OPStatusReason' }).txt(s.reasonCode);
    if (s.text) status.ele('cbc:StatusReason').txt(s.text);
  }
  dr.ele('cac:DocumentReference').ele('cbc:ID').txt(r.document.number).up().ele('cbc:DocumentTypeCode').txt(r.document.typeCode);
  return root.end({ prettyPrint: true });
}

export interface ResponseViolation {
  rule: string;
  message: string;
}

const { kids, at, text } = domReader(RESPONSE_NS);

/**
 * The rules of Peppol BIS Invoice Response 3 our responses rely on (rules/sch in poacc-upgrade-3:
 * PEPPOL-T111-R001…R007, the common empty-element and date rules, and the mandatory elements and
 * code lists of the T111 structure). An empty list: none is broken.
 */
export function checkInvoiceResponse(xml: string): ResponseViolation[] {
  const out: ResponseViolation[] = [];
  const fail = (rule: string, message: string) => out.push({ rule, message });
  const root = create(xml).root().node as unknown as El;
  if (root.localName !== 'ApplicationResponse' || root.namespaceURI !== RESPONSE_NS.ar)
    fail('T111-ROOT', `root is ${root.localName}, not a UBL ApplicationResponse`);
  if (!(text(root, 'cbc:CustomizationID') ?? '').startsWith(RESPONSE_CUSTOMIZATION_ID))
    fail('PEPPOL-T111-R003', `specification identifier must start with ${RESPONSE_CUSTOMIZATION_ID}`);
  if (text(root, 'cbc:ProfileID') !== RESPONSE_PROFILE_ID) fail('T111-PROFILE', `business process must be ${RESPONSE_PROFILE_ID}`);
  if (!text(root, 'cbc:ID')) fail('T111-ID', 'response identifier missing');
  const issue = text(root, 'cbc:IssueDate');
  if (!issue || !/^\d{4}-\d{2}-\d{2}$/.test(issue)) fail('PEPPOL-COMMON-R030', 'issue date missing or not YYYY-MM-DD');
  for (const name of ['cac:SenderParty', 'cac:ReceiverParty']) {
    const p = at(root, name);
    const endpoint = at(p, 'cbc:EndpointID');
    if (!text(endpoint) || !endpoint?.getAttribute('schemeID')) fail('T111-ENDPOINT', `${name}: EndpointID with schemeID missing`);
    if (!text(p, 'cac:PartyLegalEntity/cbc:RegistrationName')) fail('T111-PARTY', `${name}: registration name missing`);
  }
  const drs = kids(root, 'cac:DocumentResponse');
  if (drs.length !== 1) fail('T111-DOCRESPONSE', `exactly one DocumentResponse expected, found ${drs.length}`);
  const response = at(drs[0], 'cac:Response');
  const code = text(response, 'cbc:ResponseCode');
  if (!code || !RESPONSE_CODES.includes(code)) fail('T111-CODE', `response code ${code ?? 'missing'} is not in UNCL4343 (T111 subset)`);
  const statuses = kids(response, 'cac:Status');
  if ((code === 'CA' || code === 'UQ' || code === 'RE') && !statuses.some((s) => text(s, 'cbc:StatusReasonCode'))) {
    fail('PEPPOL-T111-R001', `status ${code} needs a clarification code`);
  }
  for (const s of statuses) {
    const reason = at(s, 'cbc:StatusReasonCode');
    const list = reason?.getAttribute('listID');
    const value = text(reason);
    if (list === 'OPStatusReason' && !STATUS_REASONS.includes(value ?? ''))
      fail('PEPPOL-T111-R007', `clarification reason ${value} is not in OPStatusReason`);
    if (list === 'OPStatusAction' && !STATUS_ACTIONS.includes(value ?? ''))
      fail('PEPPOL-T111-R006', `clarification action ${value} is not in OPStatusAction`);
    if (value === 'OTH' && !text(s, 'cbc:StatusReason')) fail('PEPPOL-T111-R002', 'clarification code OTH without a reason');
    if (value === 'PPD' && !text(s, 'cbc:StatusReason')) fail('PEPPOL-T111-R004', 'clarification code PPD without a reason');
    if (value === 'PPD' && code !== 'PD') fail('PEPPOL-T111-R005', 'clarification code PPD only with status PD');
  }
  const ref = at(drs[0], 'cac:DocumentReference');
  if (!text(ref, 'cbc:ID')) fail('T111-DOCREF', 'the identifier of the invoice responded to is missing');
  if (!text(ref, 'cbc:DocumentTypeCode')) fail('T111-DOCTYPE', 'the type code of the invoice responded to is missing');
  const walk = (el: El) => {
    const inner = children(el);
    if (inner.length === 0 && !text(el)) fail('PEPPOL-COMMON-R001', `empty element ${el.localName}`);
    inner.forEach(walk);
  };
  walk(root);
  return out;
}
