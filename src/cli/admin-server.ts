import http from "node:http";
import { chmod, lstat, unlink } from "node:fs/promises";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { Logger } from "../logger.js";
import { executeCommand } from "./execute.js";
import { RUN_PATH, type AdminEvent } from "./protocol.js";
import type { CommandRegistry } from "./registry.js";
import { MAX_SOCKET_PATH } from "./socket-path.js";

export interface AdminServerDeps {
  socketPath: string;
  registry: CommandRegistry;
  db: Db;
  config: Config;
  logger: Logger;
}

const MAX_BODY = 64 * 1024;

/**
 * The local admin channel of a service that holds the embedded database: an HTTP server on a Unix
 * socket (mode 0600: only the service's user, or root, can connect) through which the CLI runs its
 * commands inside this process. There is no other authentication: access to the socket file is the
 * permission, as with the data directory itself.
 */
export function createAdminServer(deps: AdminServerDeps) {
  const log = deps.logger.child({ component: "admin-socket" });
  const running = new Set<AbortController>();
  let server: http.Server | null = null;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method !== "POST" || req.url !== RUN_PATH) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) {
        res.writeHead(413, { "content-type": "text/plain" }).end("too large\n");
        return;
      }
      chunks.push(chunk);
    }
    let argv: string[];
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { argv?: unknown };
      if (!Array.isArray(body.argv) || !body.argv.every((a): a is string => typeof a === "string")) throw new Error("argv");
      argv = body.argv;
    } catch {
      res.writeHead(400, { "content-type": "text/plain" }).end("expected {\"argv\": [strings]}\n");
      return;
    }
    const abort = new AbortController();
    running.add(abort);
    res.on("close", () => abort.abort());
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    const send = (e: AdminEvent) => {
      if (!res.writableEnded && !res.destroyed) res.write(JSON.stringify(e) + "\n");
    };
    log.info("running a CLI command for a local user", { command: argv.slice(0, 2).join(" ") });
    try {
      const code = await executeCommand({
        registry: deps.registry,
        argv,
        db: deps.db,
        config: deps.config,
        logger: deps.logger,
        out: (line) => send({ out: line }),
        err: (line) => send({ err: line }),
        signal: abort.signal,
        via: "service",
      });
      send({ exit: code });
    } finally {
      running.delete(abort);
      res.end();
    }
  };

  return {
    name: "admin-socket",
    async start() {
      if (deps.socketPath.length > MAX_SOCKET_PATH) {
        log.warn("the data directory path is too long for the CLI's admin socket; the CLI cannot reach this service", {
          socketPath: deps.socketPath,
        });
        return;
      }
      // We hold the data-directory lock, so a socket file left here belongs to a process that died.
      const stat = await lstat(deps.socketPath).catch(() => null);
      if (stat?.isSocket()) await unlink(deps.socketPath);
      else if (stat) {
        log.error("cannot open the CLI's admin socket: a file that is not a socket is in the way", { socketPath: deps.socketPath });
        return;
      }
      const s = http.createServer((req, res) => {
        handle(req, res).catch((err: unknown) => {
          log.error("admin request failed", { err });
          if (!res.headersSent) res.writeHead(500).end();
          else res.end();
        });
      });
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(deps.socketPath, () => {
          s.off("error", reject);
          resolve();
        });
      });
      await chmod(deps.socketPath, 0o600);
      server = s;
      log.debug("admin socket listening", { socketPath: deps.socketPath });
    },
    async stop() {
      const s = server;
      if (!s) return;
      server = null;
      for (const a of running) a.abort();
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeIdleConnections();
        setTimeout(() => s.closeAllConnections(), 2_000).unref();
      });
      await unlink(deps.socketPath).catch(() => undefined);
    },
  };
}
