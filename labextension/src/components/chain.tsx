/**
 * A sequence's components as a compact chain, `a → pkg/b → c`: short names, the fully qualified name in
 * each link's tooltip; a component that is an action of the list is a link that selects it (its invoke
 * editor opens, as a click on its row does). Rendering only; the links come from `sequence.ts`.
 */
import * as React from 'react';

import { IChainLink } from '../sequence';

export function SequenceChain(props: {
  links: IChainLink[];
  selected: string | null;
  onSelect: (action: string) => void;
}): JSX.Element {
  return (
    <ol
      className="jp-faas-chain"
      data-testid="faas-sequence-chain"
      aria-label="components, in order"
    >
      {props.links.map((link, index) => (
        <li key={`${index}-${link.qualified}`} className="jp-faas-chain-step">
          {index > 0 ? (
            <span className="jp-faas-chain-arrow" aria-hidden="true">
              →
            </span>
          ) : null}
          {link.action !== null ? (
            <button
              className={`jp-faas-chain-link ${props.selected === link.action ? 'jp-mod-selected' : ''}`}
              title={`${link.qualified}: select it`}
              data-testid="faas-sequence-component"
              onClick={e => {
                e.stopPropagation();
                props.onSelect(link.action as string);
              }}
            >
              {link.short}
            </button>
          ) : (
            <span
              className="jp-faas-chain-link jp-faas-chain-missing"
              title={`${link.qualified} (not an action listed here)`}
              data-testid="faas-sequence-component"
            >
              {link.short}
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}
