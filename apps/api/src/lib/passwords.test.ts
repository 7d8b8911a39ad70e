import { createPasswordHasher, passwordProblem } from './passwords';

describe('password hashing (scrypt)', () => {
  const hasher = createPasswordHasher({ logN: 14 });

  it('hashes with a random salt into a self-describing string and verifies', async () => {
    const first = await hasher.hash('correct horse battery staple');
    const second = await hasher.hash('correct horse battery staple');

    expect(first).toMatch(/^\$scrypt\$ln=14,r=8,p=2\$/);
    expect(first).not.toBe(second);
    expect(await hasher.verify(first, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(first, 'correct horse battery stapler')).toBe(false);
  });

  it('verifies hashes made with another cost, so the cost can be raised later', async () => {
    const old = await createPasswordHasher({ logN: 15 }).hash('s3cret passphrase');

    expect(await hasher.verify(old, 's3cret passphrase')).toBe(true);
  });

  it('answers false, after the same work, without a stored hash or with a malformed one', async () => {
    expect(await hasher.verify(null, 'anything')).toBe(false);
    expect(await hasher.verify('$argon2id$v=19$m=1,t=1,p=1$x$y', 'anything')).toBe(false);
    expect(await hasher.verify('garbage', 'dummy-password-for-timing')).toBe(false);
  });

  it('refuses the most common passwords whatever their case', () => {
    expect(passwordProblem('Password123')).toMatch(/too common/);
    expect(passwordProblem('an unusual passphrase')).toBeNull();
  });
});
