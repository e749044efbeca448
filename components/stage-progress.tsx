import type { Stage } from "@/db/schema";

const JOURNEY = ["registration", "training", "lms", "completed"] as const;

/** The journey as a row of steps, the current one marked; plain HTML, no script. */
export function StageProgress({
  stage,
  label,
  names,
}: {
  stage: Stage;
  label: string;
  names: Record<(typeof JOURNEY)[number], string>;
}) {
  const current = JOURNEY.indexOf(stage as (typeof JOURNEY)[number]);
  return (
    <ol aria-label={label} className="grid grid-cols-4 gap-1 text-center text-xs">
      {JOURNEY.map((step, i) => {
        const done = current >= 0 && (i < current || stage === "completed");
        const here = i === current && stage !== "completed";
        return (
          <li key={step} aria-current={here ? "step" : undefined} className="space-y-1">
            <div className={`h-2 rounded ${done ? "bg-teal-700" : here ? "bg-teal-400" : "bg-slate-200"}`} />
            <span className={here ? "font-bold text-teal-900" : "text-slate-700"}>{names[step]}</span>
          </li>
        );
      })}
    </ol>
  );
}
