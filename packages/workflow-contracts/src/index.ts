export * from './common/errors';
export * from './health/health';
export * from './auth/auth';
