import type { RowSelectionState } from '@tanstack/react-table';

// What the Orders table has selected: rows ticked one by one or a loaded page at a time, or
// every order matching the filters — which need not be loaded: its export asks the server
// to apply the same filters.

export type Selection = { kind: 'rows'; rows: RowSelectionState } | { kind: 'matching' };

export const NOTHING_SELECTED: Selection = { kind: 'rows', rows: {} };
export const ALL_MATCHING: Selection = { kind: 'matching' };

/** The ticks the table shows: under "all matching", every loaded row is ticked. */
export function tickedRows(selection: Selection, loadedIds: readonly string[]): RowSelectionState {
  if (selection.kind === 'rows') return selection.rows;
  const rows: RowSelectionState = {};
  for (const id of loadedIds) rows[id] = true;
  return rows;
}

/** The selection after the table changed its ticks: a choice of rows, even if it was "all matching". */
export function fromTicks(rows: RowSelectionState): Selection {
  return { kind: 'rows', rows };
}

/** The ids chosen one by one (none under "all matching", which is not a list). */
export function selectedIds(selection: Selection): string[] {
  return selection.kind === 'rows' ? Object.keys(selection.rows) : [];
}

/** Whether every loaded row is ticked, and there is at least one. */
export function allLoadedTicked(selection: Selection, loadedIds: readonly string[]): boolean {
  if (loadedIds.length === 0) return false;
  if (selection.kind === 'matching') return true;
  return loadedIds.every((id) => selection.rows[id]);
}

export function isEmpty(selection: Selection): boolean {
  return selection.kind === 'rows' && selectedIds(selection).length === 0;
}
