// @ts-check
// What the mock was asked, for tests to assert on ("one execute, no retry after a
// 500", "the status check carried a bearer token"). It records whether a bearer
// token was present, NEVER the token itself: the log is served over HTTP and
// may end up in test output.

/**
 * @typedef {object} LoggedRequest
 * @property {string} method
 * @property {string} path the URL path without the query
 * @property {number} status the status the mock answered
 * @property {boolean} bearer whether an `Authorization: Bearer …` header was sent
 */

/**
 * @typedef {object} RequestLog
 * @property {(entry: LoggedRequest) => void} add
 * @property {() => LoggedRequest[]} entries a copy, oldest first
 * @property {() => void} clear
 */

/** Keeps a dev server that runs for days from growing without bound. */
const MAX_ENTRIES = 1000;

/** @returns {RequestLog} */
export function createRequestLog() {
  /** @type {LoggedRequest[]} */
  let entries = [];
  return {
    add(entry) {
      entries.push(entry);
      if (entries.length > MAX_ENTRIES) entries = entries.slice(-MAX_ENTRIES);
    },
    entries: () => entries.map((entry) => ({ ...entry })),
    clear() {
      entries = [];
    },
  };
}
