import { hash, verify } from '@node-rs/argon2';

// Argon2id with the library defaults (m = 19 MiB, t = 2, p = 1): the OWASP minimum, ~50 ms here.
export const hashPassword = (password: string) => hash(password);

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false; // a malformed stored hash never authenticates
  }
}

/** A hash to verify against when the user does not exist, so timing does not reveal that. */
let dummy: Promise<string> | null = null;
export const dummyHash = () => (dummy ??= hash('wangge-no-such-user'));

/** Password rule shown to users: at least 10 characters, letters and digits. */
export function passwordProblem(pw: string): { zh: string; en: string } | null {
  if (pw.length < 10) return { zh: '密码至少 10 个字符', en: 'the password needs at least 10 characters' };
  if (pw.length > 200) return { zh: '密码最多 200 个字符', en: 'the password may have at most 200 characters' };
  if (!/[A-Za-z]/.test(pw) || !/[0-9]/.test(pw))
    return { zh: '密码需同时包含字母和数字', en: 'the password needs both letters and digits' };
  return null;
}
