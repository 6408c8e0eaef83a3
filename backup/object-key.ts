import { ObjectStoreError } from "../agent/errors.js";

const MAX_KEY_BYTES = 1024;

/**
 * Rejects keys that would mean different things to different stores: an absolute path, `.`/`..` or empty
 * segments (which let a key escape a local store's root directory), backslashes and control characters.
 * Both stores apply the same rule so a key that works in tests works in production.
 */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem !== undefined) {
    throw new ObjectStoreError(`invalid object key ${JSON.stringify(key)}: ${problem}`, {
      retryable: false,
      details: { key },
    });
  }
}

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return "must not be empty";
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `must be at most ${MAX_KEY_BYTES} bytes`;
  if (key.startsWith("/")) return "must be relative (no leading /)";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(key)) return "must not contain control characters or backslashes";
  for (const segment of key.split("/")) {
    if (segment === "" || segment === "." || segment === "..")
      return "must not contain empty, . or .. segments";
  }
  return undefined;
}

/** A prefix is validated like a key, except that it may be empty or end with `/`. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === "") return;
  assertValidKey(prefix.endsWith("/") ? `${prefix}x` : prefix);
}

/** A prefix naming a "folder": empty, or a valid prefix ending with `/`. */
export function assertFolderPrefix(prefix: string): void {
  if (prefix !== "" && !prefix.endsWith("/")) {
    throw new ObjectStoreError(`folder prefix ${JSON.stringify(prefix)} must end with /`, {
      retryable: false,
    });
  }
  assertValidPrefix(prefix);
}
