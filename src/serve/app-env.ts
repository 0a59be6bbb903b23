// The Hono environment shared by the API routes: what middleware puts on the context.
import type { Principal } from './auth.js';

export interface ServeEnv {
  Variables: {
    principal: Principal;
  };
}
