/**
 * Values a person types into the sidebar: JSON parameters (an object, or an error that says how to write
 * one) and the default action name of a class (kebab-case, as the build service names it). Pure.
 */
import { IErrorPayload } from './payloads';

/** `SmartBodyCrop` -> `smart-body-crop`, as the build service names actions by default. */
export function defaultActionName(className: string): string {
  return className.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '-').toLowerCase();
}

/** Parse the JSON text of parameters: an object, or an error that says how to write one. */
export function parseParams(
  text: string,
  what = 'The parameters'
): { value: Record<string, unknown> } | { error: IErrorPayload } {
  if (text.trim() === '') {
    return { value: {} };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      error: {
        error: `${what} are not valid JSON: ${(error as Error).message}`,
        code: 'InvalidJSON',
        fix: 'Write a JSON object, e.g. {"image": "photo.jpg"} (double quotes around keys and text).'
      }
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      error: {
        error: `${what} must be a JSON object, not ${Array.isArray(value) ? 'an array' : typeof value}.`,
        code: 'InvalidJSON',
        fix: 'Wrap them in braces: {"key": value}.'
      }
    };
  }
  return { value: value as Record<string, unknown> };
}
