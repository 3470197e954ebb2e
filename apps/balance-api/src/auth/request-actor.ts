import type { Request } from 'express';
import type { Actor } from '@ledger/auth';

/** Where the access guard leaves the verified caller for the handlers (a symbol: no client can set it). */
const ACTOR = Symbol('ledger:actor');

type WithActor = Request & { [ACTOR]?: Actor };

export function setActor(req: Request, actor: Actor): void {
  (req as WithActor)[ACTOR] = actor;
}

/** The verified caller of this request; undefined on a public route or before the guard ran. */
export function actorOf(req: Request): Actor | undefined {
  return (req as WithActor)[ACTOR];
}
