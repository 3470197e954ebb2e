export * from './test-auth';
export * from './test-database';
export * from './wait-for';
