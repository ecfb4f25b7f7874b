// The demo page's script: registers the element, fills the rule picker from the
// mock's rules table, and shows every loome-rule-* event in the Events panel.
// Text only (textContent, never innerHTML): event details carry server messages,
// and the page must also work under a strict CSP with Trusted Types.

import '../src/define.js';
import { LOOME_RULE_EVENT_NAMES } from '../src/events.js';
import { MOCK_RULES, findMockRule } from './mock-loome/rules.js';


/** Enough history for a long session without the page growing forever. */
const MAX_LOG_ENTRIES = 500;

/** The element's methods the picker uses, typed loosely so this file does not depend on src/ types. */
type Runner = HTMLElement & { stop?: () => void; reset?: () => void };

function requireElement<T extends Element>(selector: string): T {
  const element = document.querySelector<T>(selector);
  if (!element) throw new Error(`demo: ${selector} is missing from index.html`);
  return element;
}

const eventLog = requireElement<HTMLOListElement>('#event-log');
const clearButton = requireElement<HTMLButtonElement>('#clear-events');

function timeOfDay(date: Date): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** The rule id of the element that sent the event (events are composed, so the target is the host element). */
function sourceRuleId(event: Event): string {
  const source = event.target instanceof Element ? event.target.closest('loome-rule-runner') : null;
  return source?.getAttribute('rule-id') ?? '?';
}

function span(className: string, text: string): HTMLSpanElement {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  return element;
}

function logEvent(event: Event): void {
  const detail: unknown = (event as CustomEvent).detail;
  const entry = document.createElement('li');
  entry.dataset['type'] = event.type;
  entry.append(
    span('event-time', timeOfDay(new Date())),
    span('event-type', event.type),
    span('event-rule', `rule ${sourceRuleId(event)}`),
    span('event-detail', JSON.stringify(detail) ?? ''),
  );
  eventLog.append(entry);
  while (eventLog.childElementCount > MAX_LOG_ENTRIES) eventLog.firstElementChild?.remove();
  // Follow the newest entry, but only inside the panel (never scroll the page away from a card).
  eventLog.scrollTop = eventLog.scrollHeight;
}

for (const type of LOOME_RULE_EVENT_NAMES) {
  document.addEventListener(type, logEvent);
}

clearButton.addEventListener('click', () => {
  eventLog.replaceChildren();
});

// The "any rule" card: one element whose rule-id follows the picker.
const picker = requireElement<HTMLSelectElement>('#rule-picker');
const pickerDescription = requireElement<HTMLElement>('#rule-picker-description');
const pickedRunner = requireElement<Runner>('#picked-runner');

for (const rule of MOCK_RULES) {
  picker.append(new Option(`${rule.id}: ${rule.title}`, String(rule.id)));
}
picker.value = pickedRunner.getAttribute('rule-id') ?? '1';

function describePickedRule(): void {
  pickerDescription.textContent = findMockRule(Number(picker.value))?.description ?? '';
}

picker.addEventListener('change', () => {
  // Stop following the previous rule's run (it keeps running in the mock) and go
  // back to idle, so the button runs the newly picked rule.
  pickedRunner.stop?.();
  pickedRunner.reset?.();
  pickedRunner.setAttribute('rule-id', picker.value);
  describePickedRule();
});
describePickedRule();
