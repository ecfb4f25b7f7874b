import { css } from 'lit';

// Adopted as a constructed stylesheet, so it needs no `style-src 'unsafe-inline'`.
export const styles = css`
  :host {
    display: inline-block;
    font: inherit;
    color: var(--loome-rule-runner-color, inherit);
  }

  :host([hidden]) {
    display: none;
  }

  .base {
    display: grid;
    gap: var(--loome-rule-runner-gap, 0.5rem);
    justify-items: start;
  }

  button {
    font: inherit;
    cursor: pointer;
    padding: 0.4em 1em;
    border-radius: var(--loome-rule-runner-radius, 4px);
    border: 1px solid var(--loome-rule-runner-accent, #1f5fbf);
    background: var(--loome-rule-runner-accent, #1f5fbf);
    color: var(--loome-rule-runner-accent-contrast, #fff);
  }

  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }

  button:focus-visible {
    outline: 2px solid var(--loome-rule-runner-focus-ring, #1f5fbf);
    outline-offset: 2px;
  }

  .live {
    display: grid;
    gap: 0.25rem;
  }

  [part='status'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
  }

  .execution,
  .elapsed {
    color: var(--loome-rule-runner-muted-color, #555);
  }

  :host([state='succeeded']) .state {
    color: var(--loome-rule-runner-success-color, #17692e);
  }

  :host([state='failed']) .state,
  :host([state='cancelled']) .state,
  :host([state='error']) .state {
    color: var(--loome-rule-runner-danger-color, #a4161a);
  }

  [part='message'] {
    margin: 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }

  [part='progress'] {
    position: relative;
    overflow: hidden;
    width: 100%;
    min-width: 8rem;
    height: 4px;
    border-radius: 2px;
    background: var(--loome-rule-runner-track-color, #dde3ec);
  }

  [part='progress']::after {
    content: '';
    position: absolute;
    inset: 0;
    width: 40%;
    background: var(--loome-rule-runner-accent, #1f5fbf);
    animation: indeterminate 1.4s ease-in-out infinite;
  }

  @keyframes indeterminate {
    from {
      transform: translateX(-100%);
    }
    to {
      transform: translateX(250%);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    [part='progress']::after {
      animation: none;
      width: 100%;
      opacity: 0.5;
    }
  }
`;
