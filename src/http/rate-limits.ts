import type { NextFunction, Request, Response } from 'express';
import { rateLimit, type RateLimitInfo, type RateLimitRequestHandler } from 'express-rate-limit';
import { AppError } from '../shared/errors.js';

/**
 * Failed requests per client address, counted in this process's memory (express-rate-limit's
 * default store). Several instances each keep their own count, so the real ceiling is the limit
 * times the instances: enough against noise and against guessing API tokens (192 random bits),
 * which no limit is needed to stop. Password guessing has its own shared counters in PostgreSQL
 * (features/auth/sign-in-throttle.ts). Only failures count: a busy integration is never slowed.
 */
export function failureLimit(opts: {
  limit: number;
  windowMinutes: number;
  failed: (res: Response) => boolean;
  refuse: (req: Request, res: Response, next: NextFunction, retryAfterSeconds: number) => void;
}): RateLimitRequestHandler {
  return rateLimit({
    windowMs: opts.windowMinutes * 60_000,
    limit: opts.limit,
    standardHeaders: false,
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => !opts.failed(res),
    handler: (req, res, next) => {
      const reset =
        (req as Request & { rateLimit?: RateLimitInfo }).rateLimit?.resetTime?.getTime() ?? Date.now() + opts.windowMinutes * 60_000;
      const retryAfterSeconds = Math.max(1, Math.ceil((reset - Date.now()) / 1000));
      res.set('retry-after', String(retryAfterSeconds));
      opts.refuse(req, res, next, retryAfterSeconds);
    },
  });
}

/** Failed API authentications (401) per address and instance: 100 in 15 minutes, then 429 until the window ends. */
export const apiAuthenticationLimit = (): RateLimitRequestHandler =>
  failureLimit({
    limit: 100,
    windowMinutes: 15,
    failed: (res) => res.statusCode === 401,
    refuse: (_req, _res, next, seconds) =>
      next(
        new AppError(429, 'too_many_requests', `Too many failed authentications from this address; try again in ${seconds} s`, {
          retryAfterSeconds: seconds,
        }).localised('too_many_requests', { seconds }),
      ),
  });
