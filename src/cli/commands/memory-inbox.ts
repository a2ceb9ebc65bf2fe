import type { Command } from "commander";
import { lazyAction } from "../lazy-action.ts";

const actions = () => import("./memory-inbox-actions.ts");

/**
 * `tacit memory inbox …`: the proposals reflection made for review (project
 * memory, which the team shares through the repository; every scope with
 * reflection.review "all"; project skills). Registered under `tacit memory`.
 */
export function registerMemoryInboxCommands(memory: Command): void {
  const inbox = memory
    .command("inbox")
    .description("proposed memories and skills waiting for your review: list, show, approve, reject");
  inbox
    .command("list", { isDefault: true })
    .description("the proposals: name, scope, what, session, age")
    .action(lazyAction(actions, (module) => module.listInboxCommand));
  inbox
    .command("show <name>")
    .description("print the proposed file and a diff against the current one")
    .action(lazyAction(actions, (module) => module.showInboxCommand));
  inbox
    .command("approve [names...]")
    .description("put proposals in place (through validation, redaction and history)")
    .option("--all", "every proposal")
    .option("--force", "also when the current file changed since it was proposed (it is replaced)")
    .action(lazyAction(actions, (module) => module.approveInboxCommand));
  inbox
    .command("reject [names...]")
    .description("delete proposals; nothing else changes")
    .option("--all", "every proposal (and any unreadable proposal file)")
    .action(lazyAction(actions, (module) => module.rejectInboxCommand));
}
