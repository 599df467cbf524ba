"use client";
import { useState, type ReactNode } from "react";
import { Pencil, Trash2 } from "lucide-react";
import { Button } from "./button";
import { ConfirmDialog } from "./dialog";
import { errorMessageOf } from "./errors";
import { Td } from "./table";

// A list whose rows can be edited and deleted keeps the same two pieces of state on every page:
// which row's edit dialog is open ("new" while creating) and which row waits for its delete to be
// confirmed. `useEditDelete` holds them; `RowActions` is the row's Edit/Delete cell and
// `DeleteConfirm` the confirmation that runs the page's delete mutation and closes on success.

export type EditDelete<T> = {
  /** The row being edited, "new" while creating, null when no edit dialog is open. */
  editing: T | "new" | null;
  /** The row whose delete waits for confirmation. */
  deleting: T | null;
  create: () => void;
  edit: (row: T) => void;
  closeEdit: () => void;
  askDelete: (row: T) => void;
  closeDelete: () => void;
  /** `RowActions`' onEdit and onDelete for one row. */
  actionsFor: (row: T) => { onEdit: () => void; onDelete: () => void };
  /** The edit dialog while one is open: `render(row, close)`, row null when creating. */
  editor: (render: (row: T | null, close: () => void) => ReactNode) => ReactNode;
};

export function useEditDelete<T>(): EditDelete<T> {
  const [editing, setEditing] = useState<T | "new" | null>(null);
  const [deleting, setDeleting] = useState<T | null>(null);
  const closeEdit = () => setEditing(null);
  return {
    editing,
    deleting,
    create: () => setEditing("new"),
    edit: (row) => setEditing(row),
    closeEdit,
    askDelete: (row) => setDeleting(row),
    closeDelete: () => setDeleting(null),
    actionsFor: (row) => ({ onEdit: () => setEditing(row), onDelete: () => setDeleting(row) }),
    editor: (render) => (editing === null ? null : render(editing === "new" ? null : editing, closeEdit)),
  };
}

/** What DeleteConfirm needs of a delete mutation (a TanStack Query `useMutation` result fits). */
export type DeleteMutation<V> = {
  mutate: (variables: V, options?: { onSuccess?: () => void }) => void;
  reset: () => void;
  isPending: boolean;
  error: unknown;
};

/**
 * The confirmation of a delete: open while `item` is set; Confirm runs `mutation` with
 * `variables(item)` and closes once it succeeded; its error shows in the dialog; Cancel resets it.
 */
export function DeleteConfirm<T, V>({
  item,
  onClose,
  mutation,
  variables,
  title,
  confirmLabel,
  children,
}: {
  item: T | null;
  onClose: () => void;
  mutation: DeleteMutation<V>;
  variables: (item: T) => V;
  title: (item: T) => ReactNode;
  confirmLabel: string;
  children?: ReactNode;
}) {
  return (
    <ConfirmDialog
      open={item !== null}
      onClose={() => (mutation.reset(), onClose())}
      onConfirm={() => item !== null && mutation.mutate(variables(item), { onSuccess: onClose })}
      title={item !== null ? title(item) : ""}
      confirmLabel={confirmLabel}
      loading={mutation.isPending}
      error={errorMessageOf(mutation.error)}
    >
      {children}
    </ConfirmDialog>
  );
}

/** A list row's last cell: Edit and Delete icon buttons ("Edit <name>"), for members who can change it. */
export function RowActions({
  name,
  canWrite,
  onEdit,
  onDelete,
}: {
  name: string;
  canWrite: boolean;
  onEdit: () => void;
  onDelete: () => void;
}) {
  return (
    <Td className="text-right whitespace-nowrap">
      {canWrite && (
        <>
          <Button size="sm" variant="ghost" aria-label={`Edit ${name}`} onClick={onEdit}>
            <Pencil className="h-4 w-4" aria-hidden />
          </Button>
          <Button size="sm" variant="ghost" aria-label={`Delete ${name}`} onClick={onDelete}>
            <Trash2 className="h-4 w-4" aria-hidden />
          </Button>
        </>
      )}
    </Td>
  );
}
