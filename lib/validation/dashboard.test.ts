import { describe, expect, it } from "vitest";
import { dashboardFilterFromParams, dashboardQueryFromPickers } from "./dashboard";
import { queryFields } from "./query";

const pickers = (query: string) => dashboardQueryFromPickers(queryFields(new URLSearchParams(query)));

describe("dashboardQueryFromPickers", () => {
  it("turns the month and year selects into from/to, keeping the other filters", () => {
    expect(pickers("fromMonth=06&fromYear=2021&toMonth=7&toYear=2021&provinceCode=35&cohort=Wisma+Atlet")).toBe(
      "from=2021-06&to=2021-07&provinceCode=35&cohort=Wisma+Atlet",
    );
  });

  it("leaves a query without picker fields alone", () => {
    expect(pickers("from=2021-06&to=2021-07")).toBeNull();
    expect(pickers("")).toBeNull();
  });

  it("keeps from/to where a picker is half filled or wrong, and drops unknown names", () => {
    expect(pickers("fromMonth=13&fromYear=2021&from=2021-05&toYear=2021&other=x")).toBe("from=2021-05");
    expect(pickers("fromMonth=&fromYear=")).toBeNull(); // empty values are not given (queryFields)
    expect(pickers("toMonth=12&toYear=20x1")).toBe("");
  });

  it("gives a query the filter parses as the selects meant", () => {
    const query = pickers("fromMonth=2&fromYear=2022&toMonth=11&toYear=2021")!;
    // from after to: the filter swaps them, as it does for a typed link.
    expect(dashboardFilterFromParams(queryFields(new URLSearchParams(query)))).toMatchObject({ from: "2021-11", to: "2022-02" });
  });
});
