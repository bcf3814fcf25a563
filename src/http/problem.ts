import type { ErrorRequestHandler, Response } from "express";
import { z } from "zod";
import { AppError, type FieldProblem } from "../errors.js";
import type { Logger } from "../logger.js";
import { isDatabaseError, summarizeDatabaseError } from "../db/errors.js";

/** An RFC 9457 problem details body (sent by `sendProblem`, and by the webhook intake on node:http). */
export function problemBody(status: number, type: string, title: string, detail: string, errors: FieldProblem[] = []) {
  return { type: `https://gopy.invalid/problems/${type}`, title, status, detail, ...(errors.length ? { errors } : {}) };
}

/** Send an RFC 9457 problem details body. */
export function sendProblem(res: Response, status: number, type: string, title: string, detail: string, errors: FieldProblem[] = []) {
  res.status(status).type("application/problem+json").json(problemBody(status, type, title, detail, errors));
}

/** Turn zod issues into field problems ("questions.0.choices"). */
export function zodFieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((i) => {
    const path = i.path.map(String);
    // An unknown field is named itself ("summary.foo"), not its parent object.
    if (i.code === "unrecognized_keys") return i.keys.map((k) => ({ field: [...path, k].join("."), message: "unknown field" }));
    return [{ field: path.join(".") || "(body)", message: i.message }];
  });
}

export function problemHandler(): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const log = (res.locals.log as Logger | undefined) ?? undefined;
    if (res.headersSent) return;
    if (err instanceof AppError) {
      sendProblem(res, err.status, err.type, err.title, err.message, err.errors);
      return;
    }
    if (err instanceof z.ZodError) {
      const errors = zodFieldProblems(err);
      sendProblem(res, 400, "validation", "Invalid request", `Invalid field ${errors[0]?.field ?? ""}: ${errors[0]?.message ?? ""}`, errors);
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === "entity.parse.failed") {
      sendProblem(res, 400, "malformed-json", "Malformed JSON", "The request body is not valid JSON.", [{ field: "(body)", message: e.message ?? "parse error" }]);
      return;
    }
    if (e.type === "entity.too.large") {
      sendProblem(res, 413, "too-large", "Body too large", "The request body is larger than the service accepts.", [{ field: "(body)", message: "too large" }]);
      return;
    }
    if (e.type === "encoding.unsupported" || e.type === "charset.unsupported") {
      sendProblem(res, 415, "unsupported-encoding", "Unsupported encoding", e.message ?? "unsupported");
      return;
    }
    // Other client errors from Express and its parsers (e.g. a path parameter that is not valid %-encoding).
    if (typeof e.status === "number" && e.status >= 400 && e.status < 500) {
      sendProblem(res, e.status, "bad-request", "Bad request", e.message ?? "The request is not valid.", [{ field: "(request)", message: e.message ?? "invalid" }]);
      return;
    }
    // A value PostgreSQL refuses (class 22, data exception) that the schemas let through: the client's input,
    // not our failure. Logged (code and statement only) so that the schema can be tightened.
    if (isDatabaseError(err) && summarizeDatabaseError(err).code?.startsWith("22")) {
      log?.warn("the database refused a value the request schema accepted", { err });
      sendProblem(res, 400, "invalid-value", "Invalid value", "A value in the request cannot be stored.", [{ field: "(request)", message: "a value the database refuses" }]);
      return;
    }
    log?.error("unhandled error", { err });
    sendProblem(res, 500, "internal", "Internal error", "Something went wrong on our side; it has been logged.");
  };
}
