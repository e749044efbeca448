// A month as two selects, month and year, in a fieldset: works in every browser (type=month
// is a plain text box in some) and without JavaScript. The form sends `${name}Month` and
// `${name}Year`; the page turns them into its usual `${name}=YYYY-MM` query
// (lib/validation/dashboard.ts dashboardQueryFromPickers).
import { todayInJakarta } from "@/lib/validation";

/** The years a picker offers: from 2020 (or the period's start) to the year after this one (or after the period's end). */
export function pickerYears(from: string, to: string): string[] {
  const first = Math.min(2020, Number(from.slice(0, 4)));
  const last = Math.max(Number(todayInJakarta().slice(0, 4)), Number(to.slice(0, 4))) + 1;
  return Array.from({ length: last - first + 1 }, (_, i) => String(first + i));
}

export function MonthPicker({
  name,
  legend,
  value,
  monthLabel,
  yearLabel,
  locale,
  years,
}: {
  name: string;
  legend: string;
  /** YYYY-MM */
  value: string;
  monthLabel: string;
  yearLabel: string;
  locale: string;
  years: readonly string[];
}) {
  const [year, month] = value.split("-");
  const monthName = new Intl.DateTimeFormat(locale, { month: "long", timeZone: "UTC" });
  const monthNames = Array.from({ length: 12 }, (_, i) => monthName.format(new Date(Date.UTC(2021, i, 15))));
  const select = "mt-1 block w-full rounded-md border border-slate-400 px-2 py-1.5";
  return (
    <fieldset className="min-w-0 text-sm">
      <legend className="font-medium">{legend}</legend>
      <div className="flex gap-2">
        <label className="min-w-0 flex-[3]">
          <span className="sr-only">
            {legend}: {monthLabel}
          </span>
          <select name={`${name}Month`} defaultValue={month} className={select}>
            {monthNames.map((label, i) => {
              const m = String(i + 1).padStart(2, "0");
              return (
                <option key={m} value={m}>
                  {label}
                </option>
              );
            })}
          </select>
        </label>
        <label className="min-w-0 flex-[2]">
          <span className="sr-only">
            {legend}: {yearLabel}
          </span>
          <select name={`${name}Year`} defaultValue={year} className={select}>
            {years.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </label>
      </div>
    </fieldset>
  );
}
