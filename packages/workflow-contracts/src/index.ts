export * from './common/errors';
export * from './health/health';
export * from './auth/roles';
export * from './auth/auth';
export * from './auth/api-keys';
export * from './auth/members';
export * from './credentials/credentials';
export * from './auth/audit';
