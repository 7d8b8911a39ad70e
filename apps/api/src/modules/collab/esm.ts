/**
 * Yjs and Hocuspocus ship ESM type declarations; the API bundle is CommonJS. Their CommonJS builds
 * are loaded here with `require`, typed from their declarations, so that the API and Hocuspocus
 * share one Yjs instance (two copies break Yjs's type checks).
 */
export type * as YTypes from 'yjs' with { 'resolution-mode': 'import' };
type YjsModule = typeof import('yjs', { with: { 'resolution-mode': 'import' } });
type ServerModule = typeof import('@hocuspocus/server', { with: { 'resolution-mode': 'import' } });
type RedisExtensionModule = typeof import('@hocuspocus/extension-redis', { with: { 'resolution-mode': 'import' } });

/* eslint-disable @typescript-eslint/no-require-imports */
export const Y: YjsModule = require('yjs');
export const hocuspocusServer: ServerModule = require('@hocuspocus/server');
export const hocuspocusRedis: RedisExtensionModule = require('@hocuspocus/extension-redis');
/* eslint-enable @typescript-eslint/no-require-imports */
