import {
  Inbox,
  Megaphone,
  Network,
  FunctionSquare,
  Workflow,
  Globe,
  Send,
  KeyRound,
  Users,
  ScrollText,
  Settings,
  type LucideIcon,
} from "lucide-react";

export type NavItem = { segment: string; label: string; icon: LucideIcon };

// Console sections, in sidebar order. `segment` is the path under /t/<slug>/.
export const NAV_GROUPS: { label: string; items: NavItem[] }[] = [
  {
    label: "Messaging",
    items: [
      { segment: "queues", label: "Queues", icon: Inbox },
      { segment: "topics", label: "Topics", icon: Megaphone },
      { segment: "event-buses", label: "Event buses", icon: Network },
      { segment: "functions", label: "Functions", icon: FunctionSquare },
      { segment: "workflows", label: "Workflows", icon: Workflow },
      { segment: "apis", label: "APIs", icon: Globe },
      { segment: "deliveries", label: "Deliveries", icon: Send },
    ],
  },
  {
    label: "Team",
    items: [
      { segment: "api-keys", label: "API keys", icon: KeyRound },
      { segment: "members", label: "Members", icon: Users },
      { segment: "audit", label: "Audit log", icon: ScrollText },
      { segment: "settings", label: "Settings", icon: Settings },
    ],
  },
];
