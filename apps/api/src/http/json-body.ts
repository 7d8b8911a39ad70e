import express, { type RequestHandler } from 'express';
import { AppError } from './errors';

export interface JsonBodyLimits {
  /** Largest body, in bytes (413 above it). */
  limitBytes: number;
  /** Deepest nesting of objects and arrays; the top-level value is level 1. */
  maxDepth: number;
  /** Most object keys over the whole body. */
  maxKeys: number;
}

type JsonProblem = 'depth' | 'keys' | 'prototype' | 'nul';

function isContainer(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

/** Postgres stores no NUL in text or jsonb, so such a body could only fail later, as a 500. */
function hasNul(value: unknown): boolean {
  return typeof value === 'string' && value.includes('\u0000');
}

/**
 * Walks a parsed body once, iteratively (a deep body cannot overflow the stack), and stops at the
 * first problem: nesting past `maxDepth`, more than `maxKeys` keys, keys that reach an object's
 * prototype when merged (`__proto__`, `constructor.prototype`), or a NUL character in a string.
 */
export function findJsonProblem(value: unknown, limits: Pick<JsonBodyLimits, 'maxDepth' | 'maxKeys'>): JsonProblem | null {
  if (!isContainer(value)) return null;
  const stack: [object, number][] = [[value, 1]];
  let keys = 0;
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [node, depth] = entry;
    if (depth > limits.maxDepth) return 'depth';
    if (Array.isArray(node)) {
      for (const item of node) {
        if (isContainer(item)) stack.push([item, depth + 1]);
        else if (hasNul(item)) return 'nul';
      }
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      keys += 1;
      if (keys > limits.maxKeys) return 'keys';
      if (key === '__proto__') return 'prototype';
      if (hasNul(key) || hasNul(child)) return 'nul';
      if (!isContainer(child)) continue;
      if (key === 'constructor' && Object.hasOwn(child, 'prototype')) return 'prototype';
      stack.push([child, depth + 1]);
    }
  }
  return null;
}

/**
 * JSON body parsing with limits: size (413), nesting depth (400), key count (413), no
 * prototype-reaching keys and no NUL characters (400). Requests without a JSON body skip it all.
 */
export function jsonBody(limits: JsonBodyLimits): RequestHandler {
  const parse = express.json({ limit: limits.limitBytes, strict: true, type: ['application/json', 'application/*+json'] });
  // One middleware, not two: every request (bodiless ones too) pays per Express layer.
  return (req, res, next) => {
    // No body (most GETs): nothing to parse, and body-parser's own checks cost a measurable share
    // of a bodiless request. Same test as body-parser's (type-is hasBody).
    if (req.headers['transfer-encoding'] === undefined && req.headers['content-length'] === undefined) {
      next();
      return;
    }
    parse(req, res, (err?: unknown) => {
      if (err) {
        next(err);
        return;
      }
      const body: unknown = req.body;
      const problem = isContainer(body) ? findJsonProblem(body, limits) : null;
      if (problem === 'depth') {
        next(new AppError(400, 'invalid_json', `Request body is nested more than ${limits.maxDepth} levels deep`));
      } else if (problem === 'keys') {
        next(new AppError(413, 'payload_too_large', `Request body has more than ${limits.maxKeys} keys`));
      } else if (problem === 'prototype') {
        next(new AppError(400, 'invalid_json', 'Request body contains a forbidden key (__proto__ or constructor.prototype)'));
      } else if (problem === 'nul') {
        next(new AppError(400, 'invalid_json', 'Request body contains a NUL character (\\u0000), which cannot be stored'));
      } else {
        next();
      }
    });
  };
}
