import argon2 from 'argon2';

/**
 * argon2id with OWASP's recommended minimum (19 MiB memory, 2 iterations, 1 lane): about 30 ms
 * per hash on our 2-core machines, and memory-hard against GPU cracking.
 */
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** The most common passwords (breach corpora), refused whatever their length. */
// prettier-ignore
const COMMON_PASSWORDS = new Set([
  '12345678', '123456789', '1234567890', 'password', 'password1', 'password12', 'password123', 'passw0rd',
  'qwertyuiop', 'qwerty123', 'qwerty12', '11111111', '00000000', '12341234', '87654321', 'iloveyou',
  'sunshine', 'princess', 'football', 'baseball', 'welcome1', 'welcome123', 'letmein1', 'abc12345',
  'abcd1234', 'admin123', 'administrator', 'changeme', 'trustno1', 'superman', 'starwars', 'whatever',
  'dragon123', 'monkey123', 'master123', 'computer', 'internet', 'michelle', 'jennifer', 'corvette',
  '1q2w3e4r', '1q2w3e4r5t', 'zaq12wsx', 'q1w2e3r4', 'asdfghjk', 'asdfasdf', 'qazwsxedc', 'aa123456',
  '123123123', '987654321', '666666666', '88888888', '12344321', 'lovely123', 'secret123', 'p@ssw0rd',
  'p@ssword', 'passwort', 'motdepasse', 'auterity', 'auterity1', 'auterity123',
]);

/** A human reason why `password` is refused, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return 'This password is too common; choose a less predictable one';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password. With no stored hash (unknown email, OAuth-only account) it still runs one
 * verification against a dummy hash, so both answers take about the same time.
 */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword('dummy-password-for-timing');
    await argon2.verify(await dummyHash, password);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
