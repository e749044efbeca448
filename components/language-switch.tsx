"use client";

import { startTransition, useEffect, type FormEvent, type ReactNode } from "react";

type LanguageSwitchProps = {
  action: (formData: FormData) => void | Promise<void>;
  /** The language switched to. */
  locale: string;
  /** The page's path and query as the server saw them (the only return address without JavaScript). */
  returnTo: string;
  children: ReactNode;
};

// What was typed into the page's forms, kept for the one page load the switch takes.
// sessionStorage stays in this tab and is read back (and removed) at once; passwords,
// files and hidden fields are never kept.
const STORE = "language-switch:forms";

type Kept = { at: string; forms: [name: string, value: string, checked?: boolean][][] };

/**
 * The header's language switch: a plain POST that works without JavaScript and comes back
 * to the same path and query. With JavaScript the return address is the address bar's (the
 * layout's own may be older after moving inside the app), and half-filled forms get their
 * values back after the switch.
 */
export function LanguageSwitch({ action, locale, returnTo, children }: LanguageSwitchProps) {
  useEffect(() => {
    // After the switch the page renders again in the other language: put back what was typed.
    restore();
  }, [locale]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const here = window.location.pathname + window.location.search;
    keep(here);
    const formData = new FormData(event.currentTarget);
    formData.set("returnTo", here);
    startTransition(() => action(formData));
  }

  return (
    <form action={action} onSubmit={onSubmit}>
      <input type="hidden" name="locale" value={locale} />
      <input type="hidden" name="returnTo" value={returnTo} />
      {children}
    </form>
  );
}

function fieldsOf(form: HTMLFormElement): (HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement)[] {
  return Array.from(form.elements).filter(
    (el): el is HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement =>
      (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) &&
      el.name !== "" &&
      !el.name.startsWith("$") &&
      !(el instanceof HTMLInputElement && ["password", "hidden", "file", "submit", "button"].includes(el.type)),
  );
}

function mainForms(): HTMLFormElement[] {
  return Array.from(document.querySelectorAll<HTMLFormElement>("main form"));
}

function keep(at: string) {
  const forms = mainForms().map((form) =>
    fieldsOf(form).map((el): [string, string, boolean?] =>
      el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio") ? [el.name, el.value, el.checked] : [el.name, el.value],
    ),
  );
  if (!forms.some((fields) => fields.length)) return;
  try {
    sessionStorage.setItem(STORE, JSON.stringify({ at, forms } satisfies Kept));
  } catch {
    // Storage full or refused: the switch still works, only the typing is lost.
  }
}

function restore() {
  let kept: Kept | null = null;
  try {
    kept = JSON.parse(sessionStorage.getItem(STORE) ?? "null") as Kept | null;
    sessionStorage.removeItem(STORE);
  } catch {
    return;
  }
  if (!kept || kept.at !== window.location.pathname + window.location.search) return;
  const apply = () => {
    mainForms().forEach((form, i) => {
      const saved = kept.forms[i] ?? [];
      const fields = fieldsOf(form);
      const used = new Set<number>();
      for (const [name, value, checked] of saved) {
        const index = fields.findIndex(
          (el, j) => !used.has(j) && el.name === name && (checked === undefined || (el as HTMLInputElement).value === value),
        );
        if (index < 0) continue;
        used.add(index);
        setField(fields[index], value, checked);
      }
    });
  };
  apply();
  // A choice can change the fields after it (a province's regencies, a status's return
  // date): once the page has rendered those again, fill them in too.
  window.setTimeout(apply, 100);
}

/** Sets a field as typing would, so the page's own handlers see the change. */
function setField(el: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, value: string, checked?: boolean) {
  if (checked !== undefined && el instanceof HTMLInputElement) {
    // A click, not a setter: the page's handlers hear it (a radio is only ever clicked on).
    if (el.type === "radio" ? checked && !el.checked : el.checked !== checked) el.click();
    return;
  }
  if (el.value === value) return;
  // The prototype's setter: React watches the element's own, and would not see the change.
  Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), "value")?.set?.call(el, value);
  el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? "change" : "input", { bubbles: true }));
}
