import { z } from "zod";
import { defineRoute } from "./route";
import { throttleTenant } from "../throttle";
import {
  createEventSource,
  deleteSource,
  getSource,
  ingest,
  listSources,
  recentSourceRequests,
  rotateSourceSecret,
  sourceForIngest,
} from "../../domains/event-sources/event-source.service";
import { createEventSourceBody, rotateSecretBody } from "../../domains/event-sources/event-source.schemas";
import { INBOUND_KINDS } from "../../core/events/inbound-signatures";

// Inbound event sources over REST: management under /api/v1/buses/{bus}/sources (API key), and the
// public ingest URL POST /api/v1/ingest/{source id}, where the sender's signature is the credential.

const sourceOut = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(INBOUND_KINDS),
  bus: z.string(),
  busArn: z.string(),
  source: z.string(),
  ingestUrl: z.string(),
  tokenHeader: z.string().nullable(),
  createdAt: z.iso.datetime(),
  rotatedAt: z.iso.datetime().nullable(),
  previousSecretExpiresAt: z.iso.datetime().nullable(),
});

const requestOut = z.object({
  id: z.string(),
  receivedAt: z.iso.datetime(),
  status: z.number(),
  deliveryId: z.string().nullable(),
  detailType: z.string().nullable(),
  eventId: z.string().nullable(),
  reason: z.string().nullable(),
});

export const eventSourceRoutes = [
  defineRoute({
    method: "POST",
    path: "/api/v1/buses/:bus/sources",
    tag: "event-sources",
    status: 201,
    summary:
      "Create an inbound event source (standard-webhooks, github, stripe or token) with its ingest URL. The secret is in this answer only; pass `secret` to use one the sender gave you (Stripe's whsec_…).",
    body: createEventSourceBody,
    response: z.object({ source: sourceOut, secret: z.string() }),
    handler: (ctx, { body }) =>
      createEventSource(ctx.actor, ctx.tenant, { ...body, bus: ctx.params.bus! }, ctx.baseUrl),
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/buses/:bus/sources",
    tag: "event-sources",
    summary: "List a bus's inbound event sources with their ingest URLs (never their secrets).",
    response: z.object({ sources: z.array(sourceOut) }),
    handler: async (ctx) => ({ sources: await listSources(ctx.actor, ctx.tenant, ctx.params.bus!, ctx.baseUrl) }),
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/buses/:bus/sources/:id",
    tag: "event-sources",
    summary: "One inbound event source.",
    response: sourceOut,
    handler: (ctx) => getSource(ctx.actor, ctx.tenant, ctx.params.bus!, ctx.params.id!, ctx.baseUrl),
  }),
  defineRoute({
    method: "DELETE",
    path: "/api/v1/buses/:bus/sources/:id",
    tag: "event-sources",
    status: 204,
    summary: "Delete an inbound event source: its ingest URL answers 404 from now on.",
    handler: async (ctx) => {
      await deleteSource(ctx.actor, ctx.tenant, ctx.params.bus!, ctx.params.id!);
      return undefined;
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/buses/:bus/sources/:id/rotate-secret",
    tag: "event-sources",
    summary:
      "Replace the source's secret (a new random one, or `secret` as given) and show it once; the old one stops working at once, or after `overlapHours` (at most 168).",
    body: rotateSecretBody,
    response: z.object({ secret: z.string(), previousExpiresAt: z.iso.datetime().nullable() }),
    handler: (ctx, { body }) => rotateSourceSecret(ctx.actor, ctx.tenant, ctx.params.bus!, ctx.params.id!, body),
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/buses/:bus/sources/:id/requests",
    tag: "event-sources",
    summary: "The source's recent requests, newest first: status, delivery id, event id or why it was refused.",
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).optional() }),
    response: z.object({ requests: z.array(requestOut) }),
    handler: async (ctx, { query }) => ({
      requests: await recentSourceRequests(ctx.actor, ctx.tenant, ctx.params.bus!, ctx.params.id!, query.limit),
    }),
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/ingest/:id",
    tag: "event-sources",
    public: true,
    summary:
      "Ingest URL of an inbound event source (no API key: the sender's signature is the credential). A verified request becomes one event on the bus: source partner.<name>, detail-type from the provider, the JSON body as detail. A delivery id already accepted (within 24 hours) is answered 200 with the first event's id and `duplicate: true`, and is not put on the bus again. 401 bad or missing signature or a timestamp more than 5 minutes off, 413 over 256 KiB, 404 no such source, 429 when the tenant's request budget is used up (only verified requests count).",
    response: z.object({ eventId: z.string(), duplicate: z.literal(true).optional() }),
    handler: async (ctx) => {
      const source = await sourceForIngest(ctx.params.id!);
      // Throttled only once verified: an unsigned flood must not spend the tenant's budget.
      return ingest(
        source,
        { headers: ctx.headers, body: ctx.rawBody },
        { admit: () => throttleTenant(source.tenantId) },
      );
    },
  }),
];
