import { captureLogger } from '../../test/test-app';
import { serializeError } from './logger';

describe('logger', () => {
  it('redacts passwords, tokens and auth headers wherever they appear', () => {
    const { log, text } = captureLogger();

    log.info(
      {
        password: 'hunter2-canary',
        body: { password: 'p-canary', token: 't-canary' },
        headers: { authorization: 'Bearer abc-canary', cookie: 'sid=c-canary' },
      },
      'x',
    );

    expect(text()).not.toMatch(/canary/);
    expect(text()).toContain('[redacted]');
  });

  it('serializes errors without SQL text, parameters or stack trace', () => {
    const err = Object.assign(new Error('duplicate key'), { code: '23505', query: 'INSERT INTO secrets', params: ['sk-canary'] });

    const out = serializeError(err);

    expect(out).toEqual({ type: 'Error', message: 'duplicate key', code: '23505' });
    expect(JSON.stringify(out)).not.toMatch(/INSERT INTO|sk-canary|\n\s+at /);
    expect(serializeError('plain')).toEqual({ message: 'plain' });
    const bare = new Error('no stack');
    bare.stack = undefined;
    expect(serializeError(bare)).toEqual({ type: 'Error', message: 'no stack' });
  });
});
