import { diagnoseMemory } from "../../memory/doctor/diagnose.ts";
import { isVersionedScope } from "../../memory/scopes.ts";
import { recallStats } from "../../session/recall-log.ts";
import type { HealthReport, ReflectionChange, TimelineDay } from "./api-types.ts";
import { actorOf, scopeTimeline } from "./file-history.ts";
import type { UiContext } from "./ui-context.ts";

const MOST_RECALLED = 20;
const NEVER_RECALLED_SHOWN = 100;
const REFLECTION_CHANGES_SHOWN = 50;

/**
 * What the Health view shows: the doctor's findings (duplicates, contradictions, stale, unused,
 * conflicts), how memory grew (commits per day, scope and actor), what reflection changed, and
 * which memories recall uses most and which it never used (the recall log).
 */
export async function healthReport(context: UiContext): Promise<HealthReport> {
  // Project and local memories count only this project's sessions' recalls; user memories every session's.
  const stats = recallStats(context.database, { projectRoot: context.projectRoot });
  const findings = await diagnoseMemory(context.service, { recallStats: stats });
  const timeline: TimelineDay[] = [];
  const reflectionChanges: ReflectionChange[] = [];
  for (const scope of context.service.store.enabledScopes.filter(isVersionedScope)) {
    const { days, commits } = await scopeTimeline(context.service.store.folders[scope], scope);
    timeline.push(...days);
    for (const commit of commits) {
      if (actorOf(commit.message) === "reflection") reflectionChanges.push({ scope, ...commit });
    }
  }
  timeline.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.scope < b.scope ? -1 : 1));
  reflectionChanges.sort((a, b) => (a.date < b.date ? 1 : -1));
  const rows = context.catalog.refresh();
  const mostRecalled = [...stats.entries()]
    .map(([memory, stat]) => ({ memory, count: stat.count, lastAt: stat.lastAt }))
    .sort((a, b) => b.count - a.count || (a.lastAt < b.lastAt ? 1 : -1))
    .slice(0, MOST_RECALLED);
  const never = rows.map((row) => `${row.scope}/${row.name}`).filter((memory) => !stats.has(memory));
  return {
    findings: findings.map((finding) => ({
      kind: finding.kind,
      memories: finding.memories,
      detail: finding.detail,
    })),
    timeline,
    reflectionChanges: reflectionChanges.slice(0, REFLECTION_CHANGES_SHOWN),
    mostRecalled,
    neverRecalled: never.slice(0, NEVER_RECALLED_SHOWN),
    neverRecalledTotal: never.length,
  };
}
