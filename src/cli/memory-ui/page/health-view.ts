import type { HealthReport } from "../api-types.ts";
import { getJson } from "./api.ts";
import { el, setStatus, shortDate } from "./dom.ts";

/**
 * What needs care and how memory grew: the doctor's findings, commits per day by who made them,
 * what reflection changed, and which memories recall uses most and which never.
 */
export async function renderHealth(
  panel: HTMLElement,
  onOpen: (scope: string, name: string) => void,
): Promise<void> {
  panel.replaceChildren(el("p", { class: "muted" }, "Checking memory…"));
  let report: HealthReport;
  try {
    report = await getJson<HealthReport>("health");
  } catch (error) {
    setStatus((error as Error).message, "error");
    return;
  }
  const memoryLink = (key: string) => {
    const link = el("a", { href: "#" }, key);
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const slash = key.indexOf("/");
      onOpen(key.slice(0, slash), key.slice(slash + 1));
    });
    return link;
  };
  const maxDay = Math.max(
    1,
    ...report.timeline.map((day) => Object.values(day.byActor).reduce((a, b) => a + b, 0)),
  );
  panel.replaceChildren(
    el("h2", {}, "Findings"),
    report.findings.length === 0
      ? el("p", { class: "muted" }, "No duplicates, contradictions, stale, unused or conflicting memories.")
      : el(
          "ul",
          { id: "findings" },
          ...report.findings.map((finding) =>
            el(
              "li",
              { class: `finding finding-${finding.kind}` },
              el("span", { class: "flag" }, finding.kind),
              " ",
              ...finding.memories.flatMap((key) => [memoryLink(key), " "]),
              el("div", { class: "muted" }, finding.detail),
            ),
          ),
        ),
    el("h2", {}, "Timeline"),
    report.timeline.length === 0
      ? el("p", { class: "muted" }, "No memory history yet.")
      : el(
          "table",
          { id: "timeline" },
          el("tr", {}, el("th", {}, "day"), el("th", {}, "scope"), el("th", {}, "changes by")),
          ...report.timeline.map((day) => {
            const total = Object.values(day.byActor).reduce((a, b) => a + b, 0);
            return el(
              "tr",
              {},
              el("td", {}, day.day),
              el("td", {}, day.scope),
              el(
                "td",
                {},
                bar(Math.max(2, Math.round((total / maxDay) * 200))),
                ` ${Object.entries(day.byActor)
                  .map(([actor, count]) => `${actor} ${count}`)
                  .join(", ")}`,
              ),
            );
          }),
        ),
    el("h2", {}, "What reflection changed"),
    report.reflectionChanges.length === 0
      ? el("p", { class: "muted" }, "Reflection has not changed memory yet.")
      : el(
          "ul",
          { id: "reflection-changes" },
          ...report.reflectionChanges.map((change) =>
            el("li", {}, `${shortDate(change.date)} · ${change.scope} · ${change.message}`),
          ),
        ),
    el("h2", {}, "Recalled most"),
    report.mostRecalled.length === 0
      ? el("p", { class: "muted" }, "Nothing recalled yet.")
      : el(
          "ol",
          { id: "most-recalled" },
          ...report.mostRecalled.map((item) =>
            el("li", {}, memoryLink(item.memory), ` · ${item.count}× · last ${shortDate(item.lastAt)}`),
          ),
        ),
    el("h2", {}, `Never recalled (${report.neverRecalledTotal})`),
    el(
      "ul",
      { id: "never-recalled", class: "columns" },
      ...report.neverRecalled.map((key) => el("li", {}, memoryLink(key))),
    ),
  );
}

/**
 * A bar of the timeline. Its width is set through the CSSOM: the page's Content-Security-Policy
 * refuses inline style attributes, not styles set from its own script.
 */
function bar(width: number): HTMLElement {
  const element = el("span", { class: "bar" });
  element.style.width = `${width}px`;
  return element;
}
