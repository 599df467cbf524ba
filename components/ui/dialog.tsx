"use client";
import { useEffect, useId, useRef, type ReactNode } from "react";
import { cn } from "./cn";
import { Button } from "./button";

/**
 * A modal dialog on the native <dialog> element: showModal() makes the rest of the page inert
 * (focus stays inside), Esc closes it (onClose), and it is labelled by its title.
 * Focus goes to the first element with `data-autofocus` (or `autoFocus`), else the first field.
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  footer,
  size = "md",
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  size?: "sm" | "md" | "lg";
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      const target =
        d.querySelector<HTMLElement>("[data-autofocus]") ??
        d.querySelector<HTMLElement>("input:not([type=hidden]),select,textarea");
      target?.focus();
    } else if (!open && d.open) d.close();
  }, [open]);
  const width = size === "sm" ? "max-w-md" : size === "lg" ? "max-w-3xl" : "max-w-lg";
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descId : undefined}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its panel) closes it.
        if (e.target === ref.current) onClose();
      }}
      className={cn("m-auto w-[calc(100%-2rem)] rounded-xl bg-white p-0 shadow-xl backdrop:bg-gray-900/40", width)}
    >
      {open && (
        <div className="flex max-h-[85vh] flex-col">
          <div className="flex items-start justify-between gap-4 border-b border-gray-200 px-5 py-4">
            <div>
              <h2 id={titleId} className="text-base font-semibold text-gray-900">
                {title}
              </h2>
              {description && (
                <p id={descId} className="mt-1 text-sm text-gray-500">
                  {description}
                </p>
              )}
            </div>
            <button
              type="button"
              onClick={onClose}
              className="-m-1 rounded p-1 text-gray-400 hover:bg-gray-100 hover:text-gray-600"
              aria-label="Close"
            >
              <svg viewBox="0 0 20 20" className="h-5 w-5" fill="currentColor" aria-hidden>
                <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
              </svg>
            </button>
          </div>
          <div className="overflow-y-auto px-5 py-4">{children}</div>
          {footer && (
            <div className="flex flex-wrap items-center justify-end gap-2 rounded-b-xl border-t border-gray-200 bg-gray-50 px-5 py-3">
              {footer}
            </div>
          )}
        </div>
      )}
    </dialog>
  );
}

/** "Are you sure?" with a danger (default) or primary confirm button. */
export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  children,
  confirmLabel = "Confirm",
  tone = "danger",
  loading = false,
  error,
}: {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: ReactNode;
  children?: ReactNode;
  confirmLabel?: string;
  tone?: "danger" | "primary";
  loading?: boolean;
  error?: ReactNode;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      size="sm"
      footer={
        <>
          {/* Focus starts on Cancel for destructive actions, so Enter does not destroy by accident. */}
          <Button
            variant="secondary"
            onClick={onClose}
            disabled={loading}
            data-autofocus={tone === "danger" ? true : undefined}
          >
            Cancel
          </Button>
          <Button
            variant={tone}
            onClick={onConfirm}
            loading={loading}
            data-autofocus={tone === "danger" ? undefined : true}
          >
            {confirmLabel}
          </Button>
        </>
      }
    >
      <div className="space-y-3 text-sm text-gray-600">
        {children}
        {error && (
          <p className="text-red-600" role="alert">
            {error}
          </p>
        )}
      </div>
    </Dialog>
  );
}

/** The footer of a dialog that wraps a form (`<form id={formId}>`): Cancel, and the submit button. */
export function FormDialogFooter({
  formId,
  submitLabel,
  onCancel,
  loading,
  disabled,
}: {
  formId: string;
  submitLabel: ReactNode;
  onCancel: () => void;
  loading?: boolean;
  disabled?: boolean;
}) {
  return (
    <>
      <Button variant="secondary" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" form={formId} loading={loading} disabled={disabled}>
        {submitLabel}
      </Button>
    </>
  );
}

/**
 * A dialog holding one form: Cancel and the submit button in the footer (the button submits the
 * form by its id), browser validation off (the server's field errors are shown), `onSubmit` after
 * the default is prevented.
 */
export function FormDialog({
  formId,
  title,
  description,
  size = "lg",
  submitLabel,
  loading,
  disabled,
  onClose,
  onSubmit,
  children,
}: {
  formId: string;
  title: ReactNode;
  description?: ReactNode;
  size?: "sm" | "md" | "lg";
  submitLabel: ReactNode;
  loading?: boolean;
  disabled?: boolean;
  onClose: () => void;
  onSubmit: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog
      open
      onClose={onClose}
      size={size}
      title={title}
      description={description}
      footer={
        <FormDialogFooter
          formId={formId}
          submitLabel={submitLabel}
          onCancel={onClose}
          loading={loading}
          disabled={disabled}
        />
      }
    >
      <form
        id={formId}
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        {children}
      </form>
    </Dialog>
  );
}
