import { z } from "zod";
import { INBOUND_KINDS } from "../../core/events/inbound-signatures";

// zod inputs of the console (tRPC) and REST doors for inbound event sources.

/** The name becomes the events' source, `partner.<name>`. */
export const sourceName = z
  .string()
  .min(1, "Give the source a name")
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Letters, digits, dot, underscore and hyphen; starts with a letter or digit");

export const createEventSourceBody = z.object({
  name: sourceName,
  kind: z.enum(INBOUND_KINDS),
  /** A secret to use instead of a generated one (e.g. the whsec_… Stripe shows for an endpoint). */
  secret: z.string().min(8).max(512).optional(),
  /** kind "token": the header that carries the token (default X-Signalbox-Token). */
  tokenHeader: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, "A header name")
    .optional(),
});

export const createEventSourceInput = createEventSourceBody.extend({ bus: z.string().min(1) });
export type CreateEventSourceInput = z.infer<typeof createEventSourceInput>;

export const rotateSecretBody = z.object({
  secret: z.string().min(8).max(512).optional(),
  /** Hours the previous secret stays valid (0, the default: it stops working at once). */
  overlapHours: z.number().min(0).max(168).optional(),
});
