"use client";

import { useState, type FormEvent } from "react";
import { Field, SubmitButton } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";

type Props = {
  /** The export route with the list's current filter in its query string. */
  action: string;
  min: number;
  max: number;
  /** An error the server answered with (a post without JavaScript), already translated. */
  serverError?: string;
  labels: { purpose: string; hint: string; submit: string; submitXlsx: string };
  errors: { purposeRequired: string; purposeTooShort: string; purposeTooLong: string };
};

/**
 * The export with whole NIKs: a plain POST form to the export route, which answers with
 * the file (the page stays) or, for a missing purpose, sends the browser back here with
 * the error. With JavaScript the purpose is checked before posting, so the error appears
 * beside the field and what was typed stays.
 */
export function FullExportForm({ action, min, max, serverError, labels, errors }: Props) {
  const [error, setError] = useState(serverError);
  // Each refused try counts, so the summary takes the focus again on the next.
  const [attempt, setAttempt] = useState(0);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    const purpose = String(new FormData(event.currentTarget).get("purpose") ?? "").trim();
    const problem =
      purpose === "" ? errors.purposeRequired : purpose.length < min ? errors.purposeTooShort : purpose.length > max ? errors.purposeTooLong : undefined;
    setError(problem);
    if (problem) {
      event.preventDefault();
      setAttempt((n) => n + 1);
    }
  }
  return (
    <form method="post" action={action} onSubmit={onSubmit} noValidate className="space-y-3">
      {error ? <ErrorSummary state={{ ok: false, attempt: String(attempt), fieldErrors: { purpose: [error] } }} /> : null}
      <Field name="purpose" label={labels.purpose} hint={labels.hint} errors={error ? [error] : undefined} required>
        {(p) => <textarea {...p} rows={2} maxLength={max} />}
      </Field>
      <div className="flex flex-wrap gap-3">
        <SubmitButton>{labels.submit}</SubmitButton>
        {/* The same post as an Excel workbook: the button's name and value go with the form. */}
        <button type="submit" name="format" value="xlsx" className="rounded-md border border-teal-800 px-5 py-2.5 font-semibold text-teal-900">
          {labels.submitXlsx}
        </button>
      </div>
    </form>
  );
}
