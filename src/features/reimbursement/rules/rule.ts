import type { EngineContext, Unit } from '../engine-context.js';
import type { ExceptionParams } from '../engine-types.js';
import { addReason } from '../reasons.js';

/** A step applied to each unit (one service of one visit) in pipeline order. */
export interface UnitRule {
  readonly stage: 'unit';
  readonly name: string;
  /** False when the model does not use this rule, so the run skips it. */
  enabled?(ctx: EngineContext): boolean;
  apply(u: Unit, ctx: EngineContext): void;
}

/** A step that needs all units at once (shares, caps, per-period items, never-delivered grants). */
export interface BatchRule {
  readonly stage: 'batch';
  readonly name: string;
  enabled?(ctx: EngineContext): boolean;
  apply(units: Unit[], ctx: EngineContext): void;
}

export type Rule = UnitRule | BatchRule;

/** `params` are the facts of `message`, so readers see it in their language (reasons `detail.<kind>` in src/i18n). */
export const raise = (u: Unit, kind: NonNullable<Unit['exception']>, message: string, params: ExceptionParams = {}): void => {
  addReason(u, `exception.${kind}`);
  if (u.exception === null) {
    u.exception = kind;
    u.exceptionMessage = message;
    u.exceptionParams = params;
  }
};
