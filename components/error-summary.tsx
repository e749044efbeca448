"use client";

import { useEffect, useId, useRef, type MouseEvent } from "react";
import { useTexts } from "@/components/texts";

type Answer = {
  ok?: boolean;
  attempt?: string;
  message?: string;
  fieldErrors?: Record<string, string[]>;
};

type ErrorSummaryProps = {
  /** The action's answer; nothing is shown unless it refused. */
  state: Answer;
  /** The form's field names in the order they appear, so the links follow the form. */
  order?: readonly string[];
  /** The form-level message to show instead of the answer's own (null: none). */
  message?: string | null;
  /** The element id a field's link goes to where it is not `f-<name>` (e.g. a row's checkbox). */
  targets?: Readonly<Record<string, string>>;
};

/**
 * GOV.UK's error summary: at the top of a refused form, a heading, the form-level message
 * and one link per field error, each to its field (`#f-<name>`, as Field names its
 * control). It takes the focus after each refused answer: without JavaScript by
 * `autofocus` on the page the server sends back, with it by an effect on the answer's id.
 * The field's own message stays beside the field.
 */
export function ErrorSummary({ state, order = [], message, targets = {} }: ErrorSummaryProps) {
  const t = useTexts("forms");
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const fieldErrors = Object.entries(state.fieldErrors ?? {}).filter(([field, list]) => field !== "form" && list?.length);
  const position = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
  fieldErrors.sort(([a], [b]) => position(a) - position(b));
  const formMessage = message === null ? undefined : (message ?? (state.fieldErrors?.form?.length ? state.fieldErrors.form.join(" ") : state.message));
  const refused = !state.ok && (Boolean(formMessage) || fieldErrors.length > 0);

  useEffect(() => {
    if (refused) ref.current?.focus();
  }, [refused, state.attempt]);

  if (!refused) return null;
  return (
    <div
      ref={ref}
      role="alert"
      tabIndex={-1}
      autoFocus
      aria-labelledby={titleId}
      data-error-summary=""
      className="scroll-mt-4 rounded-md border-4 border-red-700 bg-white p-4 focus:outline-3 focus:outline-offset-0 focus:outline-amber-400"
    >
      <h2 id={titleId} className="text-lg font-bold text-slate-900">
        {t("title")}
      </h2>
      {formMessage ? <p className="mt-2 text-slate-900">{formMessage}</p> : null}
      {fieldErrors.length ? (
        <ul className="mt-2 list-none space-y-1">
          {fieldErrors.map(([field, list]) => (
            <li key={field}>
              <a href={`#${targets[field] ?? `f-${field}`}`} onClick={focusField} className="font-semibold text-red-800 underline">
                {list.join(" ")}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Moves to the field itself (a fragment link alone may only scroll), its label in view. */
function focusField(event: MouseEvent<HTMLAnchorElement>) {
  const id = event.currentTarget.hash.slice(1);
  const field = document.getElementById(id);
  if (!(field instanceof HTMLElement)) return;
  event.preventDefault();
  const choice = field instanceof HTMLInputElement && (field.type === "radio" || field.type === "checkbox");
  const label = choice ? field.closest("fieldset")?.querySelector("legend") : document.querySelector(`label[for="${id}"]`);
  (label ?? field).scrollIntoView({ block: "start" });
  field.focus({ preventScroll: true });
}
