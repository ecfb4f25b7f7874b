// Collects every CSP violation and uncaught error the page reports, for drop-in.test.ts to read.
const record = /** @type {{ cspViolations: string[], pageErrors: string[] }} */ (/** @type {unknown} */ (window));
record.cspViolations = [];
record.pageErrors = [];
document.addEventListener('securitypolicyviolation', (event) => {
  record.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI} ${event.sample}`);
});
window.addEventListener('error', (event) => record.pageErrors.push(String(event.message)));
window.addEventListener('unhandledrejection', (event) => record.pageErrors.push(String(event.reason)));
