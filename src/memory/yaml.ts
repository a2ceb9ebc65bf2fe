import { createRequire } from "node:module";

type YamlModule = typeof import("yaml");

// The yaml package is large and only needed once a memory file is read or
// written; loading it on first use keeps it off the startup path of runs that
// have no memories yet, and of every run until memory is touched.
const requireModule = createRequire(import.meta.url);
let loaded: YamlModule | undefined;

function yaml(): YamlModule {
  loaded ??= requireModule("yaml") as YamlModule;
  return loaded;
}

export function parseYaml(text: string): unknown {
  return yaml().parse(text);
}

export function stringifyYaml(value: unknown, options?: { lineWidth?: number }): string {
  return yaml().stringify(value, options);
}
