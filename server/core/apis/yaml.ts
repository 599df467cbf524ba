import { stringify } from "yaml";

// YAML for exported definitions (GetExport with Accept: application/yaml, ExportApi with
// outputType=YAML): block style, no line folding, no anchors for shared objects, strings that would
// read back as numbers or booleans ("200", "true") quoted; JSON's key order is kept.

export function toYaml(value: unknown): string {
  return stringify(value, { aliasDuplicateObjects: false, lineWidth: 0, minContentWidth: 0 });
}
