import type { Actor } from "../../auth/permissions";
import { isAppError } from "../../core/errors";
import { queryPath } from "../../core/states/jsonpath";
import { StatesError, type Json, type JsonObject } from "../../core/states/types";
import type { Queryable } from "../../db";
import { resolveQueueRef } from "../queues/queue.context";
import { receiveMessages, type ReceivedMessage } from "../queues/receive";

// The items of a DISTRIBUTED Map state: where they come from (ItemReader) and how they are
// grouped (ItemBatcher), in AWS's shapes. The executor (wf-exec) calls readMapItems once when the
// Map state starts its map run, then batchMapItems when the state has an ItemBatcher.
//
// Item sources:
// - no ItemReader: the state's input array (after ItemsPath / Items), as AWS reads it;
// - `arn:aws:states:::sqs:receiveMessage` (Signalbox's reader, no AWS equivalent): the messages of
//   a queue in this Signalbox (the tenant's own, or another's whose policy allows ReceiveMessage),
//   received with a visibility timeout (Parameters/Arguments: QueueUrl, VisibilityTimeout) until
//   the queue has no visible message left or ReaderConfig.MaxItems is reached. Each item is the
//   message as SQS's ReceiveMessage answers it (MessageId, ReceiptHandle, MD5OfBody, Body,
//   Attributes, MessageAttributes); the item processor deletes it (sqs:deleteMessage with the
//   ReceiptHandle) when it is done, or it becomes visible again;
// - AWS's S3 readers (s3:getObject, s3:listObjectsV2) cannot exist here (Signalbox has no S3):
//   they fail with States.ItemReaderFailed.

export const QUEUE_ITEM_READER = "arn:aws:states:::sqs:receiveMessage";
/** The most items one map run reads from a queue (ReaderConfig.MaxItems may lower it). */
export const MAX_QUEUE_ITEMS = 10_000;
/** AWS's payload limit per child execution: a batch never exceeds it. */
export const MAX_BATCH_BYTES = 256 * 1024;

export type ItemReaderSpec = {
  Resource?: string;
  ReaderConfig?: { MaxItems?: Json; MaxItemsPath?: string; InputType?: string; [k: string]: Json | undefined };
  /** JSONPath: keys ending in `.$` are resolved against the state input here. */
  Parameters?: JsonObject;
  /** JSONata: already evaluated by the executor. */
  Arguments?: JsonObject;
};

export type ItemBatcherSpec = {
  MaxItemsPerBatch?: Json;
  MaxInputBytesPerBatch?: Json;
  /** Evaluated already (the executor applies its paths/JSONata). */
  BatchInput?: Json;
};

export type MapItemsCaller = { tenant: { id: string; accountId: string }; actor?: Actor };

const READER_ACTOR: Actor = { type: "system", label: "workflow-item-reader", role: "developer" };

const readerFailed = (cause: string) => new StatesError("States.ItemReaderFailed", cause);
const runtime = (cause: string) => new StatesError("States.Runtime", cause);
const show = (v: Json | undefined) => (v === undefined ? "undefined" : JSON.stringify(v));

function positiveInt(v: Json | undefined, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0)
    throw runtime(`The value for the field '${field}' must be a positive integer, but it is '${show(v)}'`);
  return v;
}

/** Parameters with `.$` keys resolved against the input (JSONPath); Arguments as given. */
function readerParameters(reader: ItemReaderSpec, input: Json): JsonObject {
  if (reader.Arguments) return reader.Arguments;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(reader.Parameters ?? {})) {
    if (k.endsWith(".$") && typeof v === "string") {
      const r = queryPath(v, input);
      if (!r.found)
        throw runtime(
          `The JSONPath '${v}' specified for the field '${k}' could not be found in the input '${JSON.stringify(input)}'`,
        );
      out[k.slice(0, -2)] = r.value;
    } else out[k] = v as Json;
  }
  return out;
}

function maxItemsOf(reader: ItemReaderSpec, input: Json): number | undefined {
  const cfg = reader.ReaderConfig ?? {};
  if (cfg.MaxItemsPath !== undefined) {
    const r = queryPath(cfg.MaxItemsPath, input);
    if (!r.found)
      throw runtime(
        `The JSONPath '${cfg.MaxItemsPath}' specified for the field 'MaxItemsPath' could not be found in the input '${JSON.stringify(input)}'`,
      );
    return positiveInt(r.value, "MaxItemsPath");
  }
  return positiveInt(cfg.MaxItems, "MaxItems");
}

function sqsItem(m: ReceivedMessage): JsonObject {
  const item: JsonObject = {
    MessageId: m.messageId,
    ReceiptHandle: m.receiptHandle,
    MD5OfBody: m.md5Body,
    Body: m.body,
    Attributes: m.system as unknown as JsonObject,
  };
  const attrs = m.attributes ?? {};
  if (Object.keys(attrs).length) {
    item.MD5OfMessageAttributes = m.md5Attributes ?? null;
    item.MessageAttributes = Object.fromEntries(
      Object.entries(attrs).map(([k, v]) => [
        k,
        {
          DataType: v.DataType,
          ...(v.StringValue !== undefined ? { StringValue: v.StringValue } : {}),
          ...(v.BinaryValue !== undefined ? { BinaryValue: v.BinaryValue.toString("base64") } : {}),
        },
      ]),
    );
  }
  return item;
}

async function readQueue(caller: MapItemsCaller, params: JsonObject, maxItems: number): Promise<Json[]> {
  const url = params.QueueUrl;
  if (typeof url !== "string" || !url)
    throw readerFailed("The ItemReader's Parameters must contain a QueueUrl (the queue to read items from).");
  const vt = params.VisibilityTimeout;
  if (vt !== undefined && (typeof vt !== "number" || !Number.isInteger(vt) || vt < 0 || vt > 43200))
    throw readerFailed(`VisibilityTimeout must be an integer from 0 to 43200, but it is '${show(vt)}'.`);
  const actor = caller.actor ?? READER_ACTOR;
  try {
    const q = await resolveQueueRef(
      { tenantId: caller.tenant.id, accountId: caller.tenant.accountId },
      { url },
      "ReceiveMessage",
    );
    const items: Json[] = [];
    while (items.length < maxItems) {
      const got = await receiveMessages(actor, caller.tenant.id, q, {
        maxMessages: Math.min(10, maxItems - items.length),
        waitTimeSeconds: 0,
        ...(typeof vt === "number" ? { visibilityTimeout: vt } : {}),
      });
      if (got.length === 0) break;
      for (const m of got) items.push(sqsItem(m));
    }
    return items;
  } catch (e) {
    if (isAppError(e) && e.code !== "internal" && e.code !== "unavailable")
      throw readerFailed(`${e.awsCode ?? e.code}: ${e.message}`);
    throw e;
  }
}

/**
 * The items a DISTRIBUTED Map state iterates over. `itemReader`: the state's ItemReader (null for
 * none); `input`: the state's effective input (with no ItemReader: the array ItemsPath / Items
 * selected). Throws StatesError (States.ItemReaderFailed, States.Runtime) for the executor to
 * hand to the state's Catch/Retry. `q` is the executor's transaction; a queue reader receives
 * through the queue's own statements (a receive is visible at once, as SQS's is: if the map run
 * does not commit, the messages simply become visible again after their visibility timeout).
 */
export async function readMapItems(
  _q: Queryable,
  caller: MapItemsCaller,
  itemReaderIn: ItemReaderSpec | null | undefined | unknown,
  inputIn: unknown,
): Promise<Json[]> {
  const input = inputIn as Json;
  if (
    itemReaderIn !== undefined &&
    itemReaderIn !== null &&
    (typeof itemReaderIn !== "object" || Array.isArray(itemReaderIn))
  )
    throw runtime(`The ItemReader field must be an object, but it is '${show(itemReaderIn as Json)}'`);
  const itemReader = itemReaderIn as ItemReaderSpec | null | undefined;
  if (!itemReader) {
    if (!Array.isArray(input))
      throw runtime(`Map state input must be an array, but the selected items are '${show(input)}'`);
    return input;
  }
  const resource = itemReader.Resource ?? "";
  const maxItems = maxItemsOf(itemReader, input);
  if (resource === QUEUE_ITEM_READER) {
    const params = readerParameters(itemReader, input);
    return readQueue(caller, params, Math.min(maxItems ?? MAX_QUEUE_ITEMS, MAX_QUEUE_ITEMS));
  }
  if (/^arn:aws[\w-]*:states:::s3:/.test(resource))
    throw readerFailed(
      `Signalbox has no S3: the item reader '${resource}' cannot read anything. Read items from the state input or from a queue (${QUEUE_ITEM_READER}).`,
    );
  throw readerFailed(`The item reader '${resource}' is not supported.`);
}

/**
 * ItemBatcher: groups items into batches as AWS does, each `{ "BatchInput": …, "Items": [...] }`
 * (BatchInput only when given). A batch ends at MaxItemsPerBatch items or before it would exceed
 * MaxInputBytesPerBatch (the serialized batch, BatchInput included; at most 256 KiB). An item that
 * alone exceeds the byte limit fails the state (States.Runtime).
 */
export function batchMapItems(items: Json[], batcher: ItemBatcherSpec): JsonObject[] {
  const maxItems = positiveInt(batcher.MaxItemsPerBatch, "MaxItemsPerBatch");
  const maxBytesSet = positiveInt(batcher.MaxInputBytesPerBatch, "MaxInputBytesPerBatch");
  if (maxItems === undefined && maxBytesSet === undefined)
    throw runtime("The ItemBatcher field must specify MaxItemsPerBatch or MaxInputBytesPerBatch (or their paths)");
  const maxBytes = Math.min(maxBytesSet ?? MAX_BATCH_BYTES, MAX_BATCH_BYTES);
  const hasInput = batcher.BatchInput !== undefined;
  const make = (list: Json[]): JsonObject =>
    hasInput ? { BatchInput: batcher.BatchInput!, Items: list } : { Items: list };
  // Size of `make(list)`: the empty batch, plus each item, plus a comma between items.
  const base = Buffer.byteLength(JSON.stringify(make([])));
  const batches: JsonObject[] = [];
  let current: Json[] = [];
  let size = base;
  for (const item of items) {
    const itemBytes = Buffer.byteLength(JSON.stringify(item));
    const added = itemBytes + (current.length ? 1 : 0);
    if (base + itemBytes > maxBytes)
      throw runtime(
        `An item of ${itemBytes} bytes does not fit in a batch of at most ${maxBytes} bytes (MaxInputBytesPerBatch)`,
      );
    if (current.length && ((maxItems !== undefined && current.length >= maxItems) || size + added > maxBytes)) {
      batches.push(make(current));
      current = [];
      size = base;
    }
    size += itemBytes + (current.length ? 1 : 0);
    current.push(item);
  }
  if (current.length) batches.push(make(current));
  return batches;
}
