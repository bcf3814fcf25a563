import type { CliCommand } from "../registry.js";
import { keysCommands } from "./keys.js";
import { zaloCommands } from "./zalo.js";
import { broadcastCommands } from "./broadcast.js";
import { jobsCommands } from "./jobs.js";
import { officersCommands } from "./officers.js";

/**
 * Every CLI command. A new command group: a file in this folder exporting its commands, added here
 * (e.g. `broadcast status <id> --follow` in broadcast.ts). Commands run the same in the CLI process
 * and, through the admin socket, inside a running service.
 */
export const allCommands: readonly CliCommand[] = [...keysCommands, ...zaloCommands, ...broadcastCommands, ...jobsCommands, ...officersCommands];
