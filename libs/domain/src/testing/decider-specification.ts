import { type DomainErrorCode, isDomainError } from '../domain-error';

/**
 * Given/when/then for deciders, after emmett's DeciderSpecification: given past events, when a
 * command, then exactly these events, or this DomainError code, or nothing. Test-only; it is
 * not exported from the library barrel.
 */
export interface Decider<State, Command, Event> {
  decide(state: State, command: Command): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export interface Then<Event> {
  then(expected: readonly Event[]): void;
  thenThrows(code: DomainErrorCode, field?: string): void;
  thenNothingHappens(): void;
}

export function deciderSpecification<State, Command, Event>(decider: Decider<State, Command, Event>) {
  return {
    given(events: readonly Event[]) {
      return {
        when(command: Command): Then<Event> {
          const run = () => decider.decide(events.reduce(decider.evolve, decider.initialState()), command);
          return {
            then: (expected) => expect(run()).toStrictEqual(expected),
            thenThrows: (code, field) => expectDomainError(run, code, field),
            thenNothingHappens: () => expect(run()).toEqual([]),
          };
        },
      };
    },
  };
}

function expectDomainError(run: () => unknown, code: DomainErrorCode, field: string | undefined): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  if (!isDomainError(caught)) throw new Error(`expected DomainError ${code}, got ${String(caught)}`);
  expect(caught.code).toBe(code);
  if (field !== undefined) expect(caught.field).toBe(field);
}
