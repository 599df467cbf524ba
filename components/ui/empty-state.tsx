import type { ReactNode } from "react";
import { cn } from "./cn";

/** What a section shows when it has nothing yet: icon, title, one or two sentences, an action. */
export function EmptyState({
  icon,
  title,
  description,
  action,
  className,
}: {
  icon?: ReactNode;
  title: ReactNode;
  description?: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  return (
    <div
      className={cn(
        "flex flex-col items-center rounded-lg border border-dashed border-gray-300 bg-white px-6 py-12 text-center",
        className,
      )}
    >
      {icon && (
        <div className="mb-3 flex h-11 w-11 items-center justify-center rounded-full bg-accent-50 text-accent-600">
          {icon}
        </div>
      )}
      <h3 className="text-base font-semibold text-gray-900">{title}</h3>
      {description && <div className="mt-1.5 max-w-md text-sm text-gray-500">{description}</div>}
      {action && <div className="mt-5">{action}</div>}
    </div>
  );
}
