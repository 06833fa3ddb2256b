/**
 * The open notebook as the server extension wants it, and the class under the cursor.
 *
 * `notebookPayload` reads the cells of a `NotebookPanel` from its shared model (so unsaved edits count);
 * `classAtCursor` picks, among the classes the server listed, the one whose lines hold the cursor of the
 * active cell (or the only class of that cell). Owns reading JupyterLab's notebook; not the model.
 */
import { NotebookPanel } from '@jupyterlab/notebook';

import { IClassInfo, INotebookPayload } from './payloads';

export function notebookPayload(panel: NotebookPanel): INotebookPayload | null {
  const model = panel.content.model;
  if (!model) {
    return null;
  }
  const cells = [];
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    cells.push({ id: cell.id, cell_type: cell.type, source: cell.sharedModel.getSource() });
  }
  return { path: panel.context.path, cells };
}

/** The cell id and 1-based line of the cursor in the active cell of `panel`. */
export function cursorOf(panel: NotebookPanel): { cellId: string; line: number } | null {
  const cell = panel.content.activeCell;
  if (!cell) {
    return null;
  }
  const position = cell.editor?.getCursorPosition();
  return { cellId: cell.model.id, line: (position?.line ?? 0) + 1 };
}

/** The class whose definition holds `cursor`, else the only class of the cursor's cell. */
export function classAtCursor(
  classes: IClassInfo[],
  cursor: { cellId: string; line: number } | null
): IClassInfo | null {
  if (!cursor) {
    return null;
  }
  const inCell = classes.filter(c => c.cellId === cursor.cellId);
  const holding = inCell.find(c => c.line <= cursor.line && cursor.line <= c.endLine);
  if (holding) {
    return holding;
  }
  return inCell.length === 1 ? inCell[0] : null;
}
