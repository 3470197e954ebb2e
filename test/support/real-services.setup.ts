// Integration and e2e tests talk to real services on a 2-core machine shared with the broker: a
// first consumer-group join alone can take seconds. Waits inside tests carry their own deadlines.
jest.setTimeout(60_000);
