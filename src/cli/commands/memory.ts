import type { Command } from "commander";
import { lazyAction } from "../lazy-action.ts";
import { registerMemoryInboxCommands } from "./memory-inbox.ts";

// Each command's code loads only when that command runs.
const browse = () => import("./memory-browse.ts");
const change = () => import("./memory-change.ts");
const doctor = () => import("./memory-doctor.ts");
const pin = () => import("./memory-pin.ts");
const history = () => import("./memory-history.ts");
const transfer = () => import("./memory-transfer.ts");
const sync = () => import("./memory-sync.ts");
const browser = () => import("./memory-ui.ts");

const SCOPE = "user, project or local";

/**
 * `tacit memory …` and `tacit remember`: the user's own hands on the memory
 * files. They work even when memory is turned off for runs (a note says so),
 * because each is an explicit request.
 */
export function registerMemoryCommands(program: Command): void {
  const memory = program
    .command("memory")
    .description("list, show, search, edit and version what tacit remembers");

  memory
    .command("list", { isDefault: true })
    .description("every memory by scope: type, description, stale marks, counts and folders")
    .option("-s, --scope <scope>", `only this scope: ${SCOPE}`)
    .option("--json", "machine-readable output")
    .action(lazyAction(browse, (module) => module.listMemoryCommand));

  memory
    .command("show <name>")
    .description("print a memory file, which session wrote it and when")
    .option("-s, --scope <scope>", `the scope, when the name exists in several: ${SCOPE}`)
    .action(lazyAction(browse, (module) => module.showMemoryCommand));

  memory
    .command("search <query...>")
    .description("search memories and past session transcripts, with why each matched")
    .option("-s, --scope <scope>", "user, project, local, sessions or all (default all)")
    .option("-n, --limit <n>", "how many results (default 10)")
    .option("--json", "machine-readable output")
    .action(lazyAction(browse, (module) => module.searchMemoryCommand));

  memory
    .command("edit <name>")
    .description(
      "open a memory in $VISUAL or $EDITOR (else vi); saved through validation, redaction and history",
    )
    .option("-s, --scope <scope>", `the scope, when the name exists in several: ${SCOPE}`)
    .action(lazyAction(change, (module) => module.editMemoryCommand));

  memory
    .command("forget <name>")
    .description(
      "delete a memory (user and local: a commit, so undo brings it back; project: a copy in the trash)",
    )
    .option("-s, --scope <scope>", `the scope, when the name exists in several: ${SCOPE}`)
    .option("--reason <text>", "why; goes into the commit message")
    .action(lazyAction(change, (module) => module.forgetMemoryCommand));

  memory
    .command("log")
    .description("the history of changes (user or local; project memory uses the repository's git)")
    .option("-s, --scope <scope>", "user (default) or local")
    .option("-n, --limit <n>", "how many changes (default 20)")
    .action(lazyAction(history, (module) => module.logMemoryCommand));

  memory
    .command("diff [ref]")
    .description("the patch of the last change, or of the given commit")
    .option("-s, --scope <scope>", "user (default) or local")
    .action(lazyAction(history, (module) => module.diffMemoryCommand));

  memory
    .command("undo [n]")
    .description("step back n changes (default 1), each as a new commit; undo again steps further back")
    .option("-s, --scope <scope>", "user (default) or local")
    .action(lazyAction(history, (module) => module.undoMemoryCommand));

  memory
    .command("reindex")
    .description("rebuild the search index from the memory files")
    .action(lazyAction(change, (module) => module.reindexMemoryCommand));

  memory
    .command("export [folder]")
    .description("copy the memory files to <folder>/<scope>/ (default ./tacit-memory-export)")
    .option("-s, --scope <scope>", `only this scope: ${SCOPE}`)
    .option("--stdout", "print one Markdown document instead of writing files")
    .action(lazyAction(transfer, (module) => module.exportMemoryCommand));

  memory
    .command("import <path>")
    .description(
      "import memories: an export (scope subfolders), a Claude Code memory folder, plain .md files, or a Letta agent file (.af)",
    )
    .option(
      "-s, --scope <scope>",
      `into this scope: ${SCOPE} (default: an export's own scopes; else local in a git repository, user elsewhere)`,
    )
    .option("--overwrite", "replace memories of the same name (default: skip them)")
    .option("--dry-run", "a Letta agent file: say which memories it would write, write nothing")
    .action(lazyAction(transfer, (module) => module.importMemoryCommand));

  memory
    .command("doctor")
    .description("duplicates, contradictions, stale, conflicted and unused memories; --fix mends them")
    .option(
      "--fix",
      "merge duplicates and settle contradictions and conflicts (with the reflection model), retire stale memories",
    )
    .option("--json", "machine-readable output")
    .option(
      "--unused-days <n>",
      "unused: not recalled in this many days (default memory.unusedDays, else 60)",
    )
    .option("--model <ref>", "the model --fix asks (default reflection.model, else your default model)")
    .action(lazyAction(doctor, (module) => module.memoryDoctorCommand));

  memory
    .command("pin <name>")
    .description("keep a memory in the always-in-context index however long it goes unused (pinned: true)")
    .option("-s, --scope <scope>", `the scope, when the name exists in several: ${SCOPE}`)
    .action(lazyAction(pin, (module) => module.pinMemoryCommand));

  memory
    .command("unpin <name>")
    .description("let a pinned memory decay out of the index again when unused")
    .option("-s, --scope <scope>", `the scope, when the name exists in several: ${SCOPE}`)
    .action(lazyAction(pin, (module) => module.unpinMemoryCommand));

  registerMemoryInboxCommands(memory);
  registerMemorySyncCommands(memory);

  memory
    .command("ui")
    .description("open the memory browser: a local web page on 127.0.0.1, behind a random token")
    .option("--port <n>", "the port to listen on (default: any free port)")
    .option("--no-open", "only print the URL; do not open a browser")
    .action(lazyAction(browser, (module) => module.memoryUiCommand));

  program
    .command("remember <text...>")
    .description("store one memory now, without a model turn; prints the file")
    .option("-s, --scope <scope>", `${SCOPE} (default: project inside a git repository, user elsewhere)`)
    .option(
      "-t, --type <type>",
      "preference, pattern, project, decision or reference (default: preference in user scope, else project)",
    )
    .option(
      "--name <name>",
      "kebab-case name (default: derived from the text; replaces a memory of that name)",
    )
    .action(lazyAction(change, (module) => module.rememberCommand));
}

/** `tacit memory remote set|show|remove` and `tacit memory sync`: carrying memory through the user's own git remote. */
function registerMemorySyncCommands(memory: Command): void {
  const remote = memory
    .command("remote")
    .description("the git remote that carries your user and local memory to your other machines");
  remote
    .command("show", { isDefault: true })
    .description("the remote, and the branch each scope of this project syncs to")
    .action(lazyAction(sync, (module) => module.showRemoteCommand));
  remote
    .command("set <url>")
    .description("sync through this git remote (a path, ssh or https; saved in ~/.tacit/settings.json)")
    .action(lazyAction(sync, (module) => module.setRemoteCommand));
  remote
    .command("remove")
    .description("stop syncing; the memory here and on the remote stays as it is")
    .action(lazyAction(sync, (module) => module.removeRemoteCommand));
  memory
    .command("sync")
    .description("pull, merge (per memory; both versions kept when both sides changed one) and push now")
    .option("-q, --quiet", "print nothing unless it fails or keeps two versions of a memory")
    // createOption, not `new Option`: a value import of commander here would load it on every start.
    .addOption(memory.createOption("--background").hideHelp())
    .action(lazyAction(sync, (module) => module.syncCommand));
}
