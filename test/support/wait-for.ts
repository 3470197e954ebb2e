/**
 * One deadline-bound wait for every test: the event store's contract suite owns it (a library may
 * not import test/), and test/support hands the same function to the rest.
 */
export { waitFor } from '../../libs/event-store/src/testing/wait-for';
