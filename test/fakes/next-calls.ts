/** A scripted answer for the next `n` calls of a fake: `take()` is true, counting down, while some are left. */
export interface NextCalls<T> {
  arm(n: number, value: T): void;
  /** The armed value for this call, or undefined when none is left. */
  take(): T | undefined;
}

export function nextCalls<T>(): NextCalls<T> {
  let left = 0;
  let armed: T | undefined;
  return {
    arm(n, value) {
      left = n;
      armed = value;
    },
    take() {
      if (left <= 0) return undefined;
      left--;
      return armed;
    },
  };
}
