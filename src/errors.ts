/**
 * Errors the domain raises for the HTTP layer to turn into RFC 9457 problem details.
 * `errors` names each field that failed, as a JSON pointer-like dotted path.
 */
export interface FieldProblem {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(detail);
    this.name = "AppError";
  }
}

export const badRequest = (detail: string, errors: FieldProblem[] = []) =>
  new AppError(400, "bad-request", "Bad request", detail, errors);
export const unauthorized = (detail: string, errors: FieldProblem[] = []) =>
  new AppError(401, "unauthorized", "Unauthorized", detail, errors);
export const forbidden = (detail: string, errors: FieldProblem[] = []) =>
  new AppError(403, "forbidden", "Forbidden", detail, errors);
export const notFound = (detail: string) => new AppError(404, "not-found", "Not found", detail);
export const conflict = (detail: string, errors: FieldProblem[] = []) =>
  new AppError(409, "conflict", "Conflict", detail, errors);
export const unprocessable = (detail: string, errors: FieldProblem[] = []) =>
  new AppError(422, "unprocessable", "Unprocessable content", detail, errors);
