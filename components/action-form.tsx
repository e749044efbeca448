"use client";

import { startTransition, type ComponentProps, type FormEvent } from "react";

type ActionFormProps = Omit<ComponentProps<"form">, "action" | "onSubmit"> & {
  action: (formData: FormData) => void;
};

/**
 * A form for a server action that works without JavaScript (a plain POST) and, with it,
 * submits in a transition without React's automatic reset after success: that reset can
 * land after the answer is shown and wipe what the user has started typing next. Forms
 * clear themselves by remounting on each answer instead (a key on the answer's attempt).
 */
export function ActionForm({ action, children, ...props }: ActionFormProps) {
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formData = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
    startTransition(() => action(formData));
  }
  return (
    <form action={action} onSubmit={onSubmit} {...props}>
      {children}
    </form>
  );
}
