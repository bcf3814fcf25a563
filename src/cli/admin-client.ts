import http from "node:http";
import { RUN_PATH, type AdminEvent } from "./protocol.js";

/** The service did not answer on its socket (not started yet, or gone). */
export class AdminUnreachableError extends Error {
  constructor(readonly socketPath: string, readonly code: string | undefined) {
    super(`No service answers on ${socketPath} (${code ?? "unknown error"}).`);
    this.name = "AdminUnreachableError";
  }
}

export interface RemoteRunOptions {
  socketPath: string;
  argv: string[];
  out: (line: string) => void;
  err: (line: string) => void;
  signal?: AbortSignal;
}

/** Ask the running service to run a command; its output is relayed line by line; resolves to the exit code. */
export function runRemote(o: RemoteRunOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    let connected = false;
    let exitCode: number | null = null;
    const req = http.request(
      { socketPath: o.socketPath, method: "POST", path: RUN_PATH, headers: { "content-type": "application/json" }, signal: o.signal },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`the service refused the command (HTTP ${res.statusCode ?? "?"})`));
          return;
        }
        res.setEncoding("utf8");
        let buffer = "";
        const onLine = (line: string) => {
          if (!line.trim()) return;
          const e = JSON.parse(line) as AdminEvent;
          if ("out" in e) o.out(e.out);
          else if ("err" in e) o.err(e.err);
          else exitCode = e.exit;
        };
        res.on("data", (chunk: string) => {
          buffer += chunk;
          let nl: number;
          while ((nl = buffer.indexOf("\n")) >= 0) {
            onLine(buffer.slice(0, nl));
            buffer = buffer.slice(nl + 1);
          }
        });
        res.on("end", () => {
          onLine(buffer);
          if (exitCode === null) reject(new Error("the service closed the connection before the command finished"));
          else resolve(exitCode);
        });
        res.on("error", reject);
      },
    );
    req.on("socket", (socket) => socket.on("connect", () => (connected = true)));
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (!connected && (err.code === "ENOENT" || err.code === "ECONNREFUSED")) reject(new AdminUnreachableError(o.socketPath, err.code));
      else reject(err);
    });
    req.end(JSON.stringify({ argv: o.argv }));
  });
}
