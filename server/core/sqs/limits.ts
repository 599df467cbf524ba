// SQS limits and defaults, as AWS documents them today (messages up to 1 MiB since 2025).
// Each one is enforced with AWS's error code by the validators beside this file.

export const VISIBILITY_TIMEOUT = { min: 0, max: 43_200, default: 30 } as const;
export const MESSAGE_RETENTION_PERIOD = { min: 60, max: 1_209_600, default: 345_600 } as const;
export const MAXIMUM_MESSAGE_SIZE = { min: 1_024, max: 1_048_576, default: 1_048_576 } as const;
export const DELAY_SECONDS = { min: 0, max: 900, default: 0 } as const;
export const RECEIVE_WAIT_TIME_SECONDS = { min: 0, max: 20, default: 0 } as const;
export const MAX_RECEIVE_COUNT = { min: 1, max: 1_000 } as const;
export const KMS_DATA_KEY_REUSE_PERIOD = { min: 60, max: 86_400, default: 300 } as const;

export const MAX_MESSAGES_PER_RECEIVE = 10;
export const MAX_MESSAGE_ATTRIBUTES = 10;
export const MAX_BATCH_ENTRIES = 10;
/** A batch's bodies and attributes together may not exceed the largest message size. */
export const MAX_BATCH_PAYLOAD_BYTES = 1_048_576;
export const MAX_BATCH_ENTRY_ID_LENGTH = 80;
export const MAX_QUEUE_NAME_LENGTH = 80;
export const MAX_ATTRIBUTE_NAME_LENGTH = 256;
export const MAX_ATTRIBUTE_DATA_TYPE_LENGTH = 256;
export const MAX_GROUP_ID_LENGTH = 128;
export const MAX_DEDUP_ID_LENGTH = 128;
export const MAX_RECEIVE_ATTEMPT_ID_LENGTH = 128;
export const MAX_TAGS_PER_QUEUE = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
export const MAX_LIST_QUEUES_RESULTS = 1_000;
/** FIFO deduplication window. */
export const DEDUP_WINDOW_SECONDS = 300;
/** ReceiveRequestAttemptId is remembered this long. */
export const RECEIVE_ATTEMPT_WINDOW_SECONDS = 300;
/** A second PurgeQueue within this window answers PurgeQueueInProgress. */
export const PURGE_COOLDOWN_SECONDS = 60;
/** A message's visibility may not extend past this long after its first receive. */
export const MAX_IN_FLIGHT_SECONDS = 43_200;
export const MAX_PERMISSION_LABEL_LENGTH = 80;
/** SQS policy quotas: a queue's Policy document is at most 8,192 bytes. */
export const MAX_POLICY_BYTES = 8_192;
/** A KMS key id, alias or ARN. */
export const MAX_KMS_KEY_ID_LENGTH = 2_048;
export const MAX_MOVE_TASK_RATE = 500;

export const SQS_XMLNS = "http://queue.amazonaws.com/doc/2012-11-05/";
