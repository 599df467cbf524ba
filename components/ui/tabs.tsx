"use client";
import { useCallback, useEffect, useId, useRef, useState, type CSSProperties, type ReactNode } from "react";
import { cn } from "./cn";

export type TabItem = { id: string; label: ReactNode; content: ReactNode };

/**
 * Controlled tabs with the WAI-ARIA pattern (arrow keys move between tabs). When the tabs do not
 * fit (phones), the row scrolls, a fade and an arrow on each side show there is more, and the
 * selected tab is scrolled into view.
 */
export function Tabs({
  items,
  value,
  onChange,
  className,
}: {
  items: TabItem[];
  value: string;
  onChange: (id: string) => void;
  className?: string;
}) {
  const base = useId();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const current = items.find((i) => i.id === value) ?? items[0];
  const list = useRef<HTMLDivElement | null>(null);
  const [more, setMore] = useState({ left: false, right: false });
  const measure = useCallback(() => {
    const el = list.current;
    if (!el) return;
    setMore({ left: el.scrollLeft > 1, right: el.scrollLeft + el.clientWidth < el.scrollWidth - 1 });
  }, []);
  useEffect(() => {
    measure();
    window.addEventListener("resize", measure);
    return () => window.removeEventListener("resize", measure);
  }, [measure, items.length]);
  const selectedIndex = items.findIndex((i) => i.id === current?.id);
  useEffect(() => {
    refs.current[selectedIndex]?.scrollIntoView?.({ block: "nearest", inline: "nearest" });
  }, [selectedIndex]);
  const nudge = (d: number) => list.current?.scrollBy({ left: d * list.current.clientWidth * 0.6, behavior: "smooth" });
  return (
    <div className={className}>
      <div className="relative" data-scroll-left={more.left} data-scroll-right={more.right}>
        {more.left && (
          <button
            type="button"
            tabIndex={-1}
            aria-hidden
            onClick={() => nudge(-1)}
            className="absolute inset-y-0 left-0 z-10 flex w-6 items-center justify-start text-lg text-gray-500"
          >
            ‹
          </button>
        )}
        {more.right && (
          <button
            type="button"
            tabIndex={-1}
            aria-hidden
            onClick={() => nudge(1)}
            className="absolute inset-y-0 right-0 z-10 flex w-6 items-center justify-end text-lg text-gray-500"
            data-testid="tabs-more"
          >
            ›
          </button>
        )}
        <div
          role="tablist"
          ref={list}
          onScroll={measure}
          // Fade the cut-off side (whatever the background), leaving room for the arrow.
          style={fadeMask(more)}
          className="flex gap-1 overflow-x-auto border-b border-gray-200"
        >
          {items.map((item, i) => {
            const selected = item.id === current?.id;
            return (
              <button
                key={item.id}
                ref={(el) => {
                  refs.current[i] = el;
                }}
                role="tab"
                type="button"
                id={`${base}-tab-${item.id}`}
                aria-selected={selected}
                aria-controls={`${base}-panel-${item.id}`}
                tabIndex={selected ? 0 : -1}
                onClick={() => onChange(item.id)}
                onKeyDown={(e) => {
                  const d = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
                  if (!d) return;
                  e.preventDefault();
                  const next = (i + d + items.length) % items.length;
                  onChange(items[next].id);
                  refs.current[next]?.focus();
                }}
                className={cn(
                  "-mb-px border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap",
                  selected
                    ? "border-accent-600 text-accent-700"
                    : "border-transparent text-gray-500 hover:border-gray-300 hover:text-gray-700",
                )}
              >
                {item.label}
              </button>
            );
          })}
        </div>
      </div>
      {current && (
        <div
          role="tabpanel"
          id={`${base}-panel-${current.id}`}
          aria-labelledby={`${base}-tab-${current.id}`}
          className="pt-4"
        >
          {current.content}
        </div>
      )}
    </div>
  );
}

function fadeMask(more: { left: boolean; right: boolean }): CSSProperties | undefined {
  if (!more.left && !more.right) return undefined;
  const mask = `linear-gradient(to right, ${more.left ? "transparent 0, black 2.5rem" : "black 0"}, ${more.right ? "black calc(100% - 2.5rem), transparent 100%" : "black 100%"})`;
  return { maskImage: mask, WebkitMaskImage: mask };
}
