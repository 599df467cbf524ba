import type { Metadata } from "next";
import { Globe } from "lucide-react";
import { NotAvailableYet } from "@/components/layout/not-available";

export const metadata: Metadata = { title: "APIs" };

export default function ApisPage() {
  return (
    <NotAvailableYet
      title="APIs"
      description="API Gateway-style HTTP APIs for your team, served under /gw."
      icon={<Globe className="h-5 w-5" aria-hidden />}
      plans={[
        "Publish routes that forward to queues, topics, workflows or your own services",
        "Protect them with API keys and usage plans (rate and quota limits)",
        "See request counts and throttled calls per key",
      ]}
    />
  );
}
