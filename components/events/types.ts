// The events router's output shapes (defined beside the router, which maps the service rows to them).
export type * from "@/server/domains/events/events.views";
