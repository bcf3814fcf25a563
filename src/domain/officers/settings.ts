/** Console session and lockout rules (from config: CONSOLE_*). */
export interface ConsoleRules {
  /** A session unused this long ends. */
  idleMinutes: number;
  /** A session ends this long after login, whatever the activity. */
  maxHours: number;
  /** Failed logins in a row that lock an account… */
  lockoutFailures: number;
  /** …for this long. */
  lockoutMinutes: number;
}

export function consoleRulesFrom(config: {
  CONSOLE_SESSION_IDLE_MINUTES: number;
  CONSOLE_SESSION_MAX_HOURS: number;
  CONSOLE_LOCKOUT_FAILURES: number;
  CONSOLE_LOCKOUT_MINUTES: number;
}): ConsoleRules {
  return {
    idleMinutes: config.CONSOLE_SESSION_IDLE_MINUTES,
    maxHours: config.CONSOLE_SESSION_MAX_HOURS,
    lockoutFailures: config.CONSOLE_LOCKOUT_FAILURES,
    lockoutMinutes: config.CONSOLE_LOCKOUT_MINUTES,
  };
}
