import { describe, expect, it } from "vitest";
import { caseworkerSortFromParams, nextSort, sortCaseworkers } from "./caseworker-sort";

const row = (id: string, name: string, figures: Partial<{ moves: number; medianDays: number | null; overdue: number }> = {}) => ({
  id,
  name,
  caseload: 0,
  servicesInPeriod: 0,
  services: 0,
  moves: figures.moves ?? 0,
  medianDays: figures.medianDays === undefined ? null : figures.medianDays,
  overdue: figures.overdue ?? 0,
  openHelp: 0,
});

const rows = [
  row("c", "Citra", { moves: 5, medianDays: 3, overdue: 1 }),
  row("a", "Agus", { moves: 5, medianDays: null, overdue: 4 }),
  row("b", "budi", { moves: 12, medianDays: 7.5, overdue: 0 }),
  row("d", "Dewi", { moves: 0, medianDays: 1, overdue: 2 }),
];
const ids = (list: { id: string }[]) => list.map((r) => r.id).join("");

describe("the caseworker table's sort", () => {
  it("reads cwSort and cwDir, and falls back to names A to Z", () => {
    expect(caseworkerSortFromParams({})).toEqual({ key: "name", dir: "asc" });
    expect(caseworkerSortFromParams({ cwSort: "moves" })).toEqual({ key: "moves", dir: "desc" });
    expect(caseworkerSortFromParams({ cwSort: "moves", cwDir: "asc" })).toEqual({ key: "moves", dir: "asc" });
    expect(caseworkerSortFromParams({ cwSort: "drop table", cwDir: "sideways" })).toEqual({ key: "name", dir: "asc" });
  });

  it("turns the sorted column round, and starts another in its own first direction", () => {
    expect(nextSort({ key: "name", dir: "asc" }, "name")).toEqual({ key: "name", dir: "desc" });
    expect(nextSort({ key: "moves", dir: "desc" }, "moves")).toEqual({ key: "moves", dir: "asc" });
    expect(nextSort({ key: "moves", dir: "asc" }, "overdue")).toEqual({ key: "overdue", dir: "desc" });
    expect(nextSort({ key: "moves", dir: "asc" }, "name")).toEqual({ key: "name", dir: "asc" });
  });

  it("orders by the column, ties by name, a missing median last either way", () => {
    expect(ids(sortCaseworkers(rows, { key: "name", dir: "asc" }))).toBe("abcd");
    expect(ids(sortCaseworkers(rows, { key: "name", dir: "desc" }))).toBe("dcba");
    expect(ids(sortCaseworkers(rows, { key: "moves", dir: "desc" }))).toBe("bacd");
    expect(ids(sortCaseworkers(rows, { key: "moves", dir: "asc" }))).toBe("dacb");
    expect(ids(sortCaseworkers(rows, { key: "medianDays", dir: "asc" }))).toBe("dcba");
    expect(ids(sortCaseworkers(rows, { key: "medianDays", dir: "desc" }))).toBe("bcda");
    expect(ids(sortCaseworkers(rows, { key: "overdue", dir: "desc" }))).toBe("adcb");
    expect(rows.map((r) => r.id).join("")).toBe("cabd"); // the input is left as it was
  });
});
