/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a
 * formula ("CSV injection", OWASP). Free text typed by people is written with an
 * apostrophe before such a character, at the start of the value and after every `;` or
 * tab: a spreadsheet set to a decimal-comma locale (Indonesian settings) splits a line at
 * `;` whatever the quotes say, so each piece must be safe as a cell of its own.
 */
export function safeCsvText(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  return value.replace(/(^|[;\t])(?=[=+\-@\t\r])/g, "$1'");
}
