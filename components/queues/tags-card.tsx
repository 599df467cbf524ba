"use client";
import { useId, useRef, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Pencil, Plus, Trash2 } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  FieldError,
  Input,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  errorMessageOf,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { useTRPC, useTRPCClient } from "@/lib/trpc";
import {
  MAX_TAG_KEY,
  MAX_TAG_VALUE,
  MAX_TAGS,
  diffTags,
  validateTagRows,
  type TagRow,
  type TagValidation,
} from "./queue-tags";

/** The queue's tags: a table for everyone, an editor (TagQueue / UntagQueue) for those who may write. */
export function TagsCard({
  tenant,
  name,
  tags,
  write,
}: {
  tenant: string;
  name: string;
  tags: Record<string, string>;
  write: boolean;
}) {
  const [editing, setEditing] = useState(false);
  const entries = Object.entries(tags).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Card>
      <CardHeader
        title={editing ? "Edit tags" : "Tags"}
        description="Labels for cost allocation and grouping (TagQueue / ListQueueTags)."
        actions={
          write && !editing ? (
            <Button variant="secondary" size="sm" onClick={() => setEditing(true)}>
              <Pencil className="h-3.5 w-3.5" aria-hidden />
              Edit tags
            </Button>
          ) : undefined
        }
      />
      <CardBody>
        {editing ? (
          <TagsEditor tenant={tenant} name={name} current={tags} onDone={() => setEditing(false)} />
        ) : entries.length === 0 ? (
          <p className="text-sm text-gray-500">No tags.</p>
        ) : (
          <Table aria-label="Tags">
            <THead>
              <tr>
                <Th>Key</Th>
                <Th>Value</Th>
              </tr>
            </THead>
            <TBody>
              {entries.map(([k, v]) => (
                <Tr key={k}>
                  <Td className="font-mono text-xs break-all">{k}</Td>
                  <Td className="font-mono text-xs break-all">{v || <Badge>empty</Badge>}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </CardBody>
    </Card>
  );
}

let nextRowId = 1;
const row = (key = "", value = ""): TagRow => ({ id: nextRowId++, key, value });

function TagsEditor({
  tenant,
  name,
  current,
  onDone,
}: {
  tenant: string;
  name: string;
  current: Record<string, string>;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const qc = useQueryClient();
  const toast = useToast();
  const [rows, setRows] = useState<TagRow[]>(() =>
    Object.entries(current)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => row(k, v)),
  );
  const [checked, setChecked] = useState<TagValidation | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const keyRefs = useRef(new Map<number, HTMLInputElement>());
  const focusOnMount = useRef<number | null>(null);
  const rulesId = useId();

  const save = useMutation({
    mutationFn: async (next: Record<string, string>) => {
      const { set, remove } = diffTags(current, next);
      const tag = async () =>
        void (Object.keys(set).length && (await client.queue.tag.mutate({ tenant, name, tags: set })));
      const untag = async () =>
        void (remove.length && (await client.queue.untag.mutate({ tenant, name, keys: remove })));
      // Two calls, as with the SDK. Tag first, so a refused tag changes nothing, unless the
      // queue would pass 50 tags before the removals land.
      if (Object.keys({ ...current, ...set }).length <= MAX_TAGS) {
        await tag();
        await untag();
      } else {
        await untag();
        await tag();
      }
      return { set: Object.keys(set).length, removed: remove.length };
    },
    onSettled: () => qc.invalidateQueries({ queryKey: trpc.queue.get.queryKey({ tenant, name }) }),
    onSuccess: (r) => {
      toast(r.set || r.removed ? "Tags saved" : "No changes to save");
      onDone();
    },
  });

  // Server field errors: zod says `tags` / `keys`, the service says `Tags` / `TagKeys`.
  const server = fieldErrorsOf(save.error);
  const serverList = server.tags?.[0] ?? server.Tags?.[0] ?? server.keys?.[0] ?? server.TagKeys?.[0];
  const serverMessage = serverList ? null : errorMessageOf(save.error, { includeFieldErrors: true });
  const errors = checked?.rows ?? {};

  const update = (id: number, patch: Partial<TagRow>) => {
    setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));
    // A row's error goes once it is edited; the rest stay until the next save.
    setChecked((c) =>
      c && c.rows[id]
        ? { ...c, rows: Object.fromEntries(Object.entries(c.rows).filter(([k]) => Number(k) !== id)) }
        : c,
    );
  };

  return (
    <form
      noValidate
      aria-label="Edit tags"
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const v = validateTagRows(rows);
        setChecked(v);
        if (!v.tags) {
          const first = rows.find((r) => v.rows[r.id]);
          if (first) keyRefs.current.get(first.id)?.focus();
          return;
        }
        save.reset();
        save.mutate(v.tags);
      }}
    >
      <p id={rulesId} className="text-sm text-gray-600">
        Keys: 1–{MAX_TAG_KEY} characters, case-sensitive. Values: up to {MAX_TAG_VALUE} characters, may be empty. Up to{" "}
        {MAX_TAGS} tags per queue.
      </p>
      {rows.length === 0 ? (
        <p className="text-sm text-gray-500">No tags. Add one below, or save to remove them all.</p>
      ) : (
        <div>
          {/* Visible column names on wider screens; each input also carries its own label. */}
          <div
            aria-hidden
            className="mb-1.5 hidden grid-cols-[minmax(0,1fr)_minmax(0,1fr)_2.75rem] gap-x-2 text-xs font-medium tracking-wide text-gray-500 uppercase sm:grid"
          >
            <span>Key</span>
            <span>Value</span>
          </div>
          <ul className="space-y-3" aria-label="Tags being edited">
            {rows.map((r, i) => {
              const e = errors[r.id] ?? {};
              const keyErr = `tag-${r.id}-key-error`;
              const valErr = `tag-${r.id}-value-error`;
              return (
                <li
                  key={r.id}
                  className="grid grid-cols-[1fr_auto] gap-x-2 gap-y-2 border-b border-gray-100 pb-3 last:border-0 last:pb-0 sm:border-0 sm:pb-0 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_2.75rem] sm:items-start"
                >
                  <div className="min-w-0">
                    <Input
                      ref={(el) => {
                        if (el) {
                          keyRefs.current.set(r.id, el);
                          if (focusOnMount.current === r.id) {
                            focusOnMount.current = null;
                            el.focus();
                          }
                        } else keyRefs.current.delete(r.id);
                      }}
                      aria-label={`Tag ${i + 1} key`}
                      aria-describedby={e.key ? `${keyErr} ${rulesId}` : rulesId}
                      invalid={!!e.key}
                      placeholder="Key"
                      autoComplete="off"
                      spellCheck={false}
                      className="font-mono"
                      value={r.key}
                      onChange={(ev) => update(r.id, { key: ev.target.value })}
                    />
                    <FieldError id={keyErr} messages={e.key} />
                  </div>
                  <div className="col-start-1 min-w-0 sm:col-start-2 sm:row-start-1">
                    <Input
                      aria-label={`Tag ${i + 1} value`}
                      aria-describedby={e.value ? `${valErr} ${rulesId}` : rulesId}
                      invalid={!!e.value}
                      placeholder="Value (optional)"
                      autoComplete="off"
                      spellCheck={false}
                      className="font-mono"
                      value={r.value}
                      onChange={(ev) => update(r.id, { value: ev.target.value })}
                    />
                    <FieldError id={valErr} messages={e.value} />
                  </div>
                  <Button
                    variant="ghost"
                    size="md"
                    className="col-start-2 row-start-1 sm:col-start-3"
                    aria-label={`Remove tag ${i + 1}${r.key.trim() ? ` (${r.key.trim()})` : ""}`}
                    onClick={() => {
                      setRows((rs) => rs.filter((x) => x.id !== r.id));
                      setChecked((c) => (c ? { ...c, list: undefined } : c));
                      addRef.current?.focus();
                    }}
                  >
                    <Trash2 className="h-4 w-4" aria-hidden />
                  </Button>
                </li>
              );
            })}
          </ul>
        </div>
      )}
      <FieldError messages={checked?.list ?? serverList} />
      <div className="flex flex-wrap items-center gap-3">
        <Button
          ref={addRef}
          variant="secondary"
          size="sm"
          disabled={rows.length >= MAX_TAGS}
          onClick={() => {
            const r = row();
            focusOnMount.current = r.id;
            setRows((rs) => [...rs, r]);
          }}
        >
          <Plus className="h-4 w-4" aria-hidden />
          Add tag
        </Button>
        <span className="text-xs text-gray-500" aria-live="polite">
          {rows.length} of {MAX_TAGS}
        </span>
      </div>
      {serverMessage && <Alert tone="danger">{serverMessage}</Alert>}
      <div className="flex flex-wrap justify-end gap-2 border-t border-gray-200 pt-4">
        <Button variant="secondary" onClick={onDone} disabled={save.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={save.isPending}>
          Save tags
        </Button>
      </div>
    </form>
  );
}
