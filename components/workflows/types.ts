// The workflows router's output shapes (defined beside the router, which maps the services' answers to them).
export type * from "@/server/domains/workflows/workflows.console-views";
