import type { ReactNode } from "react";

type FieldProps = {
  name: string;
  /** The control's id where `f-<name>` would repeat (several forms of one page); the error summary then needs it as a target. */
  id?: string;
  label: string;
  hint?: string;
  errors?: string[];
  required?: boolean;
  optionalLabel?: string;
  children: (props: {
    id: string;
    name: string;
    "aria-invalid": boolean | undefined;
    "aria-describedby": string | undefined;
    required: boolean | undefined;
    className: string;
  }) => ReactNode;
};

export const inputClass =
  "block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 focus:border-teal-700 focus:outline-2 focus:outline-teal-700 aria-[invalid=true]:border-red-700";

/** A labelled form control with its hint and its errors, wired for screen readers. */
export function Field({ name, id: givenId, label, hint, errors, required, optionalLabel, children }: FieldProps) {
  const id = givenId ?? `f-${name}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.length ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block font-medium text-slate-900">
        {label}
        {required ? <span aria-hidden="true"> *</span> : optionalLabel ? <span className="font-normal text-slate-600"> ({optionalLabel})</span> : null}
      </label>
      {hint ? (
        <p id={hintId} className="text-sm text-slate-600">
          {hint}
        </p>
      ) : null}
      {children({ id, name, "aria-invalid": errorId ? true : undefined, "aria-describedby": describedBy, required: required || undefined, className: inputClass })}
      {errorId ? (
        <p id={errorId} className="text-sm font-medium text-red-700">
          {errors!.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

export function SubmitButton({ children, pending }: { children: ReactNode; pending?: boolean }) {
  return (
    <button
      type="submit"
      disabled={pending}
      aria-disabled={pending}
      className="rounded-md bg-teal-800 px-5 py-2.5 font-semibold text-white hover:bg-teal-900 focus:outline-2 focus:outline-offset-2 focus:outline-teal-800 disabled:opacity-60"
    >
      {children}
    </button>
  );
}

export function FormMessage({ message, tone = "error" }: { message?: string; tone?: "error" | "ok" }) {
  if (!message) return null;
  return (
    <p role={tone === "error" ? "alert" : "status"} className={tone === "error" ? "rounded-md border border-red-700 bg-red-50 p-3 text-red-800" : "rounded-md border border-teal-700 bg-teal-50 p-3 text-teal-900"}>
      {message}
    </p>
  );
}
