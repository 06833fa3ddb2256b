/**
 * The invoke editor of the selected action: its JSON parameters as typed (kept per action), blocking or
 * not, and the outcome of the last invoke (the activation of a blocking one, the id of a non-blocking
 * one, or an error with its fix). Owned by `FaasModel` (`model.invoker`), which makes the call.
 */
import { parseParams } from './params';
import { IActivation, IErrorPayload, IInvokeReply } from './payloads';

export interface IInvokeState {
  action: string;
  text: string;
  blocking: boolean;
  running: boolean;
  error: IErrorPayload | null;
  activationId: string | null;
  activation: IActivation | null;
}

export class InvokeEditor {
  constructor(emit: () => void) {
    this._emit = emit;
  }

  get state(): IInvokeState | null {
    return this._state;
  }

  /** Open the editor of `name` (its last text comes back), or close it with `null`. */
  select(name: string | null): void {
    if (name === null) {
      this._state = null;
    } else if (this._state?.action !== name) {
      this._state = {
        action: name,
        text: this._texts.get(name) ?? '{}',
        blocking: true,
        running: false,
        error: null,
        activationId: null,
        activation: null
      };
    }
    this._emit();
  }

  setText(text: string): void {
    if (this._state) {
      this._texts.set(this._state.action, text);
      this._state = { ...this._state, text, error: null };
      this._emit();
    }
  }

  /** Put a value under `key` of the parameters (e.g. a photo as a data: URL). */
  setParam(key: string, value: unknown): void {
    if (!this._state) {
      return;
    }
    const parsed = parseParams(this._state.text);
    const base = 'value' in parsed ? parsed.value : {};
    this.setText(JSON.stringify({ ...base, [key]: value }, null, 2));
  }

  setBlocking(blocking: boolean): void {
    if (this._state) {
      this._state = { ...this._state, blocking };
      this._emit();
    }
  }

  /** Start an invoke: what to send, or `null` (nothing selected, one running, or bad JSON shown). */
  begin(): { action: string; params: Record<string, unknown>; blocking: boolean } | null {
    const state = this._state;
    if (!state || state.running) {
      return null;
    }
    const parsed = parseParams(state.text);
    if ('error' in parsed) {
      this._state = { ...state, error: parsed.error };
      this._emit();
      return null;
    }
    this._state = { ...state, running: true, error: null, activation: null, activationId: null };
    this._emit();
    return { action: state.action, params: parsed.value, blocking: state.blocking };
  }

  succeeded(reply: IInvokeReply): void {
    if (this._state) {
      this._state = {
        ...this._state,
        running: false,
        activationId: reply.activationId,
        activation: reply.activation ?? null
      };
    }
  }

  failed(error: IErrorPayload): void {
    if (this._state) {
      this._state = { ...this._state, running: false, error };
    }
  }

  private readonly _emit: () => void;
  private _state: IInvokeState | null = null;
  private _texts = new Map<string, string>();
}
