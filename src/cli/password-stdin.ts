import { MIN_PASSWORD_LENGTH } from "../domain/officers/accounts.js";
import { hashPassword } from "../domain/officers/passwords.js";
import { UsageError } from "./registry.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * `--password-stdin`: read the password from standard input (its first line) and hash it here, so that
 * only the scrypt hash travels on (as `--password-hash`), even to a running service.
 */
export async function hashPasswordFromStdin(argv: string[], read: () => Promise<string> = readStdin): Promise<string[]> {
  const at = argv.indexOf("--password-stdin");
  if (at < 0) return argv;
  const password = (await read()).split(/\r?\n/)[0] ?? "";
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new UsageError(`The password read from standard input is too short (at least ${MIN_PASSWORD_LENGTH} characters).`);
  }
  return [...argv.slice(0, at), "--password-hash", await hashPassword(password), ...argv.slice(at + 1)];
}
