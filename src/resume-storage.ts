/**
 * Remembers the execution being followed in sessionStorage, so a reload of the
 * same tab resumes it. Only the execution ID is stored: never the token.
 * Storage can throw (disabled, sandboxed iframe, quota); resuming is a
 * convenience, so such failures are ignored.
 */
export function resumeKey(pathname: string, elementId: string, ruleId: number): string {
  return `loome-rule-runner:${pathname}#${elementId}:${ruleId}`;
}

export function saveExecutionId(key: string, executionId: number): void {
  try {
    sessionStorage.setItem(key, String(executionId));
  } catch {
    /* see above */
  }
}

export function loadExecutionId(key: string): number | undefined {
  try {
    const value = Number(sessionStorage.getItem(key));
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

export function forgetExecutionId(key: string): void {
  try {
    sessionStorage.removeItem(key);
  } catch {
    /* see above */
  }
}
