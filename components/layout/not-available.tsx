import type { ReactNode } from "react";
import { EmptyState, PageHeader } from "@/components/ui";

/** Honest empty state for a console section that is not built yet: what it will do, no fake data. */
export function NotAvailableYet({
  title,
  description,
  icon,
  plans,
}: {
  title: string;
  description: string;
  icon: ReactNode;
  plans: string[];
}) {
  return (
    <div>
      <PageHeader title={title} description={description} />
      <EmptyState
        icon={icon}
        title={`${title} are not available yet`}
        description={
          <div className="space-y-3">
            <p>This part of Signalbox is still being built. When it arrives you will be able to:</p>
            <ul className="mx-auto max-w-sm list-disc space-y-1 pl-5 text-left">
              {plans.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        }
      />
    </div>
  );
}
