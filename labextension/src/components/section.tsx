/**
 * The building blocks every part of the sidebar shares: a collapsible section with a title bar, an error
 * box that shows the message, the fix and a button for each next step the sidebar can do, a status badge (and the cold/warm/sequence one), and a JSON view that shows images as images.
 */
import * as React from 'react';

import { extractImages } from '../format';
import { IActivation, IErrorPayload } from '../payloads';
import { IStepTarget, stepButtons } from '../steps';

export function Section(props: {
  id: string;
  title: string;
  subtitle?: string;
  tools?: React.ReactNode;
  children: React.ReactNode;
}): JSX.Element {
  const [open, setOpen] = React.useState(true);
  return (
    <section className="jp-faas-section" data-testid={`faas-section-${props.id}`}>
      <header className="jp-faas-section-header">
        <button
          className="jp-faas-section-toggle"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          title={open ? 'Collapse' : 'Expand'}
        >
          <span className={`jp-faas-caret ${open ? 'jp-mod-open' : ''}`} />
          <span className="jp-faas-section-title">{props.title}</span>
          {props.subtitle ? (
            <span className="jp-faas-section-subtitle">{props.subtitle}</span>
          ) : null}
        </button>
        <div className="jp-faas-section-tools">{props.tools}</div>
      </header>
      {open ? <div className="jp-faas-section-body">{props.children}</div> : null}
    </section>
  );
}

export function ErrorBox(props: {
  error: IErrorPayload;
  target?: IStepTarget;
  onDismiss?: () => void;
}): JSX.Element {
  const { error, target } = props;
  const buttons = target ? stepButtons(error.steps) : [];
  return (
    <div className="jp-faas-error" role="alert" data-testid="faas-error">
      <div className="jp-faas-error-message">
        <span className="jp-faas-error-code">{error.code}</span> {error.error}
      </div>
      {error.fix ? <div className="jp-faas-error-fix">{error.fix}</div> : null}
      {target && buttons.length > 0 ? (
        <div className="jp-faas-error-steps">
          {buttons.map(button => (
            <button
              key={button.label}
              className="jp-mod-styled jp-faas-step"
              title={button.title}
              data-testid="faas-error-step"
              onClick={() => void button.run(target)}
            >
              {button.label}
            </button>
          ))}
        </div>
      ) : null}
      {props.onDismiss ? (
        <button className="jp-faas-link" onClick={props.onDismiss}>
          Dismiss
        </button>
      ) : null}
    </div>
  );
}

export function Badge(props: {
  kind: 'cold' | 'warm' | 'ok' | 'fail' | 'running' | 'info' | 'sequence';
  children: React.ReactNode;
  title?: string;
}): JSX.Element {
  return (
    <span className={`jp-faas-badge jp-faas-badge-${props.kind}`} title={props.title}>
      {props.children}
    </span>
  );
}

/** How an activation started, cold or warm; a sequence's own record is neither (its components are). */
export function StartBadge(props: { activation: IActivation }): JSX.Element {
  const { activation } = props;
  if (activation.kind === 'sequence') {
    return (
      <Badge
        kind="sequence"
        title="a sequence: each of its components' activations is cold or warm"
      >
        sequence
      </Badge>
    );
  }
  return (
    <Badge kind={activation.cold ? 'cold' : 'warm'}>{activation.cold ? 'cold' : 'warm'}</Badge>
  );
}

/** A JSON value, pretty-printed, with every image inside it shown below as a picture. */
export function ResultView(props: { value: unknown; testid?: string }): JSX.Element {
  const { value, images } = extractImages(props.value);
  const text = value === undefined ? 'undefined' : JSON.stringify(value, null, 2);
  return (
    <div className="jp-faas-result" data-testid={props.testid}>
      <pre className="jp-faas-json">{text}</pre>
      {images.map(image => (
        <figure key={image.path} className="jp-faas-figure">
          <img src={image.src} alt={image.path} className="jp-faas-image" />
          <figcaption>{image.path}</figcaption>
        </figure>
      ))}
    </div>
  );
}

export function Spinner(): JSX.Element {
  return <span className="jp-faas-spinner" aria-label="running" />;
}
