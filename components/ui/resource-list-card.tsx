import type { ReactNode } from "react";
import { Plus } from "lucide-react";
import { Alert } from "./alert";
import { Button } from "./button";
import { Card, CardHeader } from "./card";
import { EmptyState } from "./empty-state";
import { LoadingBlock } from "./spinner";

/**
 * A card holding one list of resources: title and description, `actions` on the right once the
 * list has items (an empty list offers its action in the empty state instead), then the table
 * (`children`) or, for `count` 0, the empty state. `loading`/`error` replace the body.
 * `create` (false for members who cannot) is the usual "+ Create …" button, in both places.
 */
export function ResourceListCard({
  title,
  description,
  count,
  actions,
  create,
  empty,
  loading,
  error,
  children,
}: {
  title: ReactNode;
  description?: ReactNode;
  count: number;
  actions?: ReactNode;
  create?: { label: string; onClick: () => void } | false;
  empty: { icon?: ReactNode; title: ReactNode; description?: ReactNode; action?: ReactNode };
  loading?: boolean;
  error?: { title: string; message: string } | null;
  children: ReactNode;
}) {
  const ready = !loading && !error;
  const createButton = create && (
    <Button onClick={create.onClick}>
      <Plus className="h-4 w-4" aria-hidden />
      {create.label}
    </Button>
  );
  actions ??= createButton;
  empty = createButton && empty.action === undefined ? { ...empty, action: createButton } : empty;
  return (
    <Card>
      <CardHeader title={title} description={description} actions={ready && count > 0 ? actions : undefined} />
      {loading ? (
        <LoadingBlock />
      ) : error ? (
        <div className="p-4">
          <Alert tone="danger" title={error.title}>
            {error.message}
          </Alert>
        </div>
      ) : count === 0 ? (
        <div className="p-4">
          <EmptyState {...empty} />
        </div>
      ) : (
        children
      )}
    </Card>
  );
}
