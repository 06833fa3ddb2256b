/**
 * Sequences in the actions list: a sequence's components as links of a chain (`a → pkg/b → c`), each
 * with its short name (the name within its namespace, as the list names actions), its fully qualified
 * name, and the row of the list it is, when it is an action of the listed namespace. Pure: no DOM.
 */
import { IActionInfo } from './payloads';

export interface IChainLink {
  /** Fully qualified, as the server gives it: `/guest/pkg/b`. */
  qualified: string;
  /** The name within its namespace: `pkg/b`. */
  short: string;
  /** The list's name of that action (to select it), or null when it is not listed here. */
  action: string | null;
}

/** `/ns/pkg/b` -> `pkg/b`; `/ns/a` -> `a`; anything else as it is. */
export function shortName(qualified: string): string {
  const parts = qualified.replace(/^\//, '').split('/');
  return parts.length > 1 ? parts.slice(1).join('/') : qualified;
}

/** An action's fully qualified name from its list row (`namespace` is `ns` or `ns/pkg`). */
export function qualifiedName(action: IActionInfo): string {
  const base = action.name.split('/').pop() ?? action.name;
  return `/${action.namespace}/${base}`;
}

export function isSequence(action: IActionInfo): boolean {
  return action.kind === 'sequence';
}

/** The components of `action` as links; an empty list for anything that is not a sequence. */
export function sequenceChain(action: IActionInfo, actions: IActionInfo[]): IChainLink[] {
  if (!isSequence(action) || !action.components) {
    return [];
  }
  const byName = new Map(actions.map(a => [qualifiedName(a), a.name]));
  return action.components.map(qualified => ({
    qualified,
    short: shortName(qualified),
    action: byName.get(qualified) ?? null
  }));
}
