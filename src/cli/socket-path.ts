import path from "node:path";

/** The running service's local admin channel: a Unix domain socket in the data directory. */
export function adminSocketPath(dataDir: string): string {
  return path.join(path.resolve(dataDir), "gopy.sock");
}

/** Unix socket paths are limited to about 107 bytes (sun_path). */
export const MAX_SOCKET_PATH = 100;
