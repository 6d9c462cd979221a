export const ROLES = ['admin', 'finance', 'budget_controller', 'auditor', 'provider'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting, and within which municipality. Every store call is scoped by it. */
export interface Principal {
  municipalityId: number;
  role: Role;
  /** Set for provider tokens: the only provider whose data this principal may see. */
  providerId: number | null;
  /** Written to the audit log, e.g. `token:12 (finance laptop)` or `cli:root`. */
  actor: string;
  tokenId: number | null;
}

/** What a store needs to know to keep a tenant (and a provider) inside its own data. */
export interface Scope {
  municipalityId: number;
  providerId: number | null;
}

export const scopeOf = (p: Principal): Scope => ({ municipalityId: p.municipalityId, providerId: p.providerId });

/** Resources that can be written, and the roles that may write them. Reading is open to every role (provider rows filtered). */
const WRITERS = {
  municipality: ['admin'],
  tokens: ['admin'],
  providers: ['admin', 'finance'],
  catalogue: ['admin', 'finance'],
  prices: ['admin', 'finance'],
  citizens: ['admin', 'finance'],
  choices: ['admin', 'finance'],
  grants: ['admin', 'finance'],
  absences: ['admin', 'finance'],
  visits: ['admin', 'finance'],
  imports: ['admin', 'finance'],
  budgets: ['admin', 'finance', 'budget_controller'],
  models: ['admin', 'finance'],
  settlements: ['admin', 'finance'],
  invoices: ['admin', 'finance'],
  recalculations: ['admin', 'finance'],
  objections: ['provider'],
} as const satisfies Record<string, readonly Role[]>;
export type Resource = keyof typeof WRITERS;

/** Resources that only some roles may read at all. */
const READERS: Partial<Record<Resource | 'audit', readonly Role[]>> = {
  tokens: ['admin'],
  audit: ['admin', 'auditor'],
  imports: ['admin', 'finance', 'auditor', 'budget_controller'],
  budgets: ['admin', 'finance', 'budget_controller', 'auditor'],
};

export const mayWrite = (role: Role, resource: Resource): boolean => (WRITERS[resource] as readonly Role[]).includes(role);
export const mayRead = (role: Role, resource: Resource | 'audit'): boolean => READERS[resource]?.includes(role) ?? true;

/** The acting principal plus the request it came with; what services need for scoping and auditing. */
export interface Acting {
  principal: Principal;
  requestId: string | null;
}
