import { Clock } from "lucide-react";
import { EmptyState } from "@/components/ui";

/** A bus tab whose backend has not landed in this build: says what it will show, promises nothing else. */
export function ComingTab({ title, text }: { title: string; text: string }) {
  return (
    <EmptyState
      icon={<Clock className="h-5 w-5" aria-hidden />}
      title={`${title}: not available in this build yet`}
      description={text}
    />
  );
}
