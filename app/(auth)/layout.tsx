import type { ReactNode } from "react";
import { Logo } from "@/components/layout/logo";

const POINTS = [
  ["Queues and topics", "SQS and SNS wire protocols: your AWS SDK code keeps working."],
  ["Webhooks done right", "Signed the SNS way and the Standard Webhooks way, retried, throttled, dead-lettered."],
  ["Every delivery recorded", "Dashboards to filter, retry and chart what happened."],
];

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="grid min-h-screen lg:grid-cols-[minmax(0,5fr)_minmax(0,6fr)]">
      <aside className="relative hidden overflow-hidden bg-gray-950 px-12 py-12 text-white lg:flex lg:flex-col lg:justify-between">
        <div
          className="pointer-events-none absolute -top-40 -left-40 h-[32rem] w-[32rem] rounded-full bg-accent-600/30 blur-3xl"
          aria-hidden
        />
        <div className="relative flex items-center gap-2">
          <Logo withWord={false} />
          <span className="text-base font-semibold">Signalbox</span>
        </div>
        <div className="relative max-w-md">
          <h2 className="text-3xl font-semibold tracking-tight">The AWS integration services, self-hosted.</h2>
          <ul className="mt-8 space-y-5">
            {POINTS.map(([title, text]) => (
              <li key={title} className="flex gap-3">
                <span className="mt-1.5 h-2 w-2 shrink-0 rounded-full bg-accent-400" aria-hidden />
                <span>
                  <span className="block font-medium">{title}</span>
                  <span className="block text-sm text-gray-400">{text}</span>
                </span>
              </li>
            ))}
          </ul>
        </div>
        <p className="relative text-xs text-gray-500">Multi-tenant · role-based access · audit log</p>
      </aside>
      <main className="flex flex-col items-center justify-center px-5 py-10 sm:px-8">
        <div className="w-full max-w-sm">
          <div className="mb-8 lg:hidden">
            <Logo />
          </div>
          {children}
        </div>
      </main>
    </div>
  );
}
