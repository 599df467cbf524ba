"use client";
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";
import { cn } from "./cn";

type Toast = { id: number; tone: "success" | "danger" | "info"; message: ReactNode };
const ToastContext = createContext<((message: ReactNode, tone?: Toast["tone"]) => void) | null>(null);

/** Mount once (app/providers.tsx). Toasts stack bottom-right and vanish after 4 seconds. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const push = useCallback((message: ReactNode, tone: Toast["tone"] = "success") => {
    const id = Date.now() + Math.random();
    setToasts((t) => [...t, { id, tone, message }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 4000);
  }, []);
  return (
    <ToastContext.Provider value={push}>
      {children}
      <div
        aria-live="polite"
        className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex flex-col items-center gap-2 px-4 sm:items-end"
      >
        {toasts.map((t) => (
          <div
            key={t.id}
            className={cn(
              "pointer-events-auto max-w-sm rounded-lg px-4 py-3 text-sm font-medium shadow-lg ring-1",
              t.tone === "danger"
                ? "bg-red-600 text-white ring-red-700"
                : t.tone === "info"
                  ? "bg-gray-900 text-white ring-gray-800"
                  : "bg-gray-900 text-white ring-gray-800",
            )}
          >
            {t.tone === "success" && (
              <span className="mr-2 text-green-400" aria-hidden>
                ✓
              </span>
            )}
            {t.message}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

/** `const toast = useToast(); toast("Key revoked")`. Works (no-op) outside the provider. */
export function useToast() {
  return useContext(ToastContext) ?? (() => {});
}
