import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

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

const KEY_LENGTH = 32;
const R = 8;
const P = 2;

/** Hashes and verifies passwords; one instance per process, built from configuration. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /**
   * Verifies a password. With no stored hash (unknown email, OAuth-only account) it still runs one
   * derivation against a dummy hash, so both answers take about the same time.
   */
  verify(hash: string | null, password: string): Promise<boolean>;
}

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/**
 * scrypt from node:crypto (memory-hard, no native add-on to build). The default cost follows
 * OWASP's minimum for scrypt: N=2^16 (64 MiB), r=8, p=2, about 0.25 s on our machines. Stored as
 * `$scrypt$ln=16,r=8,p=2$salt$hash`, so old hashes keep verifying when the cost is raised.
 */
export function createPasswordHasher(options: { logN: number }): PasswordHasher {
  const hash = async (password: string) => {
    const salt = randomBytes(16);
    const key = await derive(password, salt, options.logN, R, P);
    return `$scrypt$ln=${options.logN},r=${R},p=${P}$${salt.toString('base64').replace(/=+$/, '')}$${key.toString('base64').replace(/=+$/, '')}`;
  };
  let dummy: Promise<string> | undefined;
  return {
    hash,
    async verify(stored, password) {
      const own = PHC.exec(stored ?? '');
      const match = own ?? PHC.exec(await (dummy ??= hash('dummy-password-for-timing')));
      if (!match) return false;
      const [, logN, r, p, salt, expected] = match;
      const key = await derive(password, Buffer.from(salt ?? '', 'base64'), Number(logN), Number(r), Number(p));
      const want = Buffer.from(expected ?? '', 'base64');
      return own !== null && want.length === key.length && timingSafeEqual(want, key);
    },
  };
}
