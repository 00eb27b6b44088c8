// Spreadsheet formula injection (SPEC §9): a spreadsheet opening a CSV treats a cell that
// begins with one of these characters as a formula (or, for tab and carriage return, strips
// the character and looks again). A leading apostrophe makes the cell plain text in Excel,
// LibreOffice and Google Sheets, and is visible, so the original value can still be read.
export const FORMULA_TRIGGERS: readonly string[] = ['=', '+', '-', '@', '\t', '\r'];
const TRIGGERS = new Set(FORMULA_TRIGGERS);

/** The cell as text a spreadsheet will not evaluate: a leading `'` when it begins like a formula. */
export function neutralizeCell(value: string): string {
  return value.length > 0 && TRIGGERS.has(value.charAt(0)) ? `'${value}` : value;
}
