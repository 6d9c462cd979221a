import type { Principal } from '../features/auth/auth-types.js';

declare global {
  namespace Express {
    interface Request {
      requestId: string;
      principal?: Principal;
    }
  }
}

export {};
