import { BUILTIN_PROVIDERS, builtinDefaultModelRef, hasKey } from "../../config/builtin-providers.ts";
import { REFLECTION_DEFAULTS } from "../../config/reflection-trust.ts";
import { UserFacingError } from "../../core/errors.ts";
import type { ModelClient } from "../../core/model.ts";
import {
  DEFAULT_UNUSED_DAYS,
  diagnoseMemories,
  type MemoryFinding,
  readEveryMemory,
} from "../../memory/doctor/diagnose.ts";
import { idOf } from "../../memory/doctor/duplicates.ts";
import { fixFindings } from "../../memory/doctor/fix.ts";
import { inboxFolder, ReviewInbox } from "../../memory/inbox/review-inbox.ts";
import { reviewedTarget } from "../../memory/inbox/reviewed-target.ts";
import { resolveModel } from "../../providers/resolve.ts";
import { recallStats } from "../../session/recall-log.ts";
import { type MemoryContext, parseCount, print, printSafe, withMemoryContext } from "./memory-context.ts";

export interface MemoryDoctorOptions {
  fix?: boolean;
  json?: boolean;
  unusedDays?: string;
  model?: string;
}

const HEADINGS: Record<MemoryFinding["kind"], string> = {
  duplicate: "Duplicates",
  contradiction: "Contradictions",
  stale: "Stale (paths that vanished)",
  conflict: "Conflicts (edited on two machines)",
  unused: "Unused",
};

/**
 * `tacit memory doctor [--fix] [--json] [--unused-days N]`: what is wrong with memory (memory/doctor/
 * diagnose.ts), and with --fix, mended (memory/doctor/fix.ts) through the reflection model.
 */
export async function memoryDoctorCommand(options: MemoryDoctorOptions): Promise<void> {
  await withMemoryContext(async (context) => {
    const unusedDays = parseCount(
      options.unusedDays,
      "--unused-days",
      context.settings.memory?.unusedDays ?? DEFAULT_UNUSED_DAYS,
    );
    const memories = readEveryMemory(context.service);
    const now = new Date();
    const stats = recallStats(context.database, { projectRoot: context.projectRoot });
    const findings = diagnoseMemories(memories, { recallStats: stats, now, unusedDays });
    if (options.json && !options.fix) {
      print(JSON.stringify({ memories: memories.length, unusedDays, findings }, null, 2));
      return;
    }
    if (!options.json) report(findings, memories.length, unusedDays);
    if (!options.fix) return;
    const lines: string[] = [];
    const say = options.json ? (line: string) => lines.push(line) : (line: string) => printSafe(`  ${line}`);
    if (!options.json && findings.some((each) => each.kind !== "unused")) printSafe("\nFixing:");
    const fixed = await fixFindings({
      findings,
      memories: new Map(memories.map((memory) => [idOf(memory), memory])),
      store: context.service.store,
      target: doctorTarget(context),
      review: context.settings.reflection?.review ?? REFLECTION_DEFAULTS.review,
      model: doctorModel(context, options.model),
      signal: new AbortController().signal,
      say,
    });
    context.service.syncIndex();
    if (options.json)
      printSafe(
        JSON.stringify({ memories: memories.length, unusedDays, findings, fixed, actions: lines }, null, 2),
      );
    else if (fixed > 0 || lines.length === 0)
      printSafe(`Fixed ${fixed} of ${findings.filter((each) => each.kind !== "unused").length}.`);
  });
}

function report(findings: readonly MemoryFinding[], total: number, unusedDays: number): void {
  if (findings.length === 0) {
    printSafe(`Memory is clean: ${total} ${total === 1 ? "memory" : "memories"}, nothing to report.`);
    return;
  }
  for (const kind of Object.keys(HEADINGS) as MemoryFinding["kind"][]) {
    const ofKind = findings.filter((finding) => finding.kind === kind);
    if (ofKind.length === 0) continue;
    printSafe(
      `${kind === "unused" ? `${HEADINGS[kind]} (not recalled in ${unusedDays} days)` : HEADINGS[kind]}:`,
    );
    for (const finding of ofKind) printSafe(`  ${finding.memories.join(", ")}: ${finding.detail}`);
  }
  const fixable = findings.filter((finding) => finding.kind !== "unused").length;
  printSafe(
    `${findings.length} ${findings.length === 1 ? "finding" : "findings"} in ${total} memories.` +
      (fixable > 0 ? " tacit memory doctor --fix merges, settles and retires them." : ""),
  );
}

/** Project changes (reflection.review) wait in the inbox, as reflection's do. */
function doctorTarget(context: MemoryContext) {
  const inbox = new ReviewInbox(inboxFolder(context.home, context.projectRoot));
  return reviewedTarget(context.service.store, inbox, {
    review: context.settings.reflection?.review ?? REFLECTION_DEFAULTS.review,
    session: "doctor",
  });
}

/**
 * The model --fix asks: --model, else reflection.model, else the user's own default model (never a
 * repository's: memory from every scope is sent to it). Undefined when none is configured.
 */
function doctorModel(context: MemoryContext, given: string | undefined): ModelClient | undefined {
  const env = process.env;
  const withKey = BUILTIN_PROVIDERS.some((provider) => provider.defaultModel && hasKey(provider, env));
  const ref =
    given ??
    context.settings.reflection?.model ??
    context.ownModel ??
    env.TACIT_MODEL ??
    (withKey ? builtinDefaultModelRef(env) : undefined);
  if (!ref) return undefined;
  try {
    return resolveModel(ref, { env, providers: context.settings.providers ?? {} });
  } catch (error) {
    throw new UserFacingError(`memory doctor --fix: ${(error as Error).message}`);
  }
}
