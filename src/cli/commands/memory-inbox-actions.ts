import { homedir } from "node:os";
import path from "node:path";
import { UserFacingError } from "../../core/errors.ts";
import { approveProposal, BaseChangedError } from "../../memory/inbox/approve.ts";
import { findProposals, proposalDetails, proposalRows } from "../../memory/inbox/inbox-view.ts";
import { proposalKey } from "../../memory/inbox/proposal.ts";
import { inboxFolder, ReviewInbox } from "../../memory/inbox/review-inbox.ts";
import { MemoryError } from "../../memory/memory-error.ts";
import { type MemoryContext, printSafe, withMemoryContext } from "./memory-context.ts";

function inboxOf(context: MemoryContext): ReviewInbox {
  return new ReviewInbox(inboxFolder(context.home, context.projectRoot));
}

/** The inbox folder as the user would type it (under ~ when it is). */
function shownFolder(folder: string): string {
  const relative = path.relative(process.env.HOME ?? homedir(), folder);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? `~/${relative}` : folder;
}

export async function listInboxCommand(): Promise<void> {
  await withMemoryContext((context) => {
    const inbox = inboxOf(context);
    const { proposals, broken } = inbox.list();
    for (const file of broken)
      process.stderr.write(
        `tacit: ${path.join(inbox.folder, file.fileName)} is not a readable proposal: ${file.problem}\n`,
      );
    if (proposals.length === 0) {
      printSafe("No proposals waiting for review.");
      return;
    }
    const rows = proposalRows(proposals, new Date());
    const header = { name: "NAME", scope: "SCOPE", what: "WHAT", session: "SESSION", age: "AGE" };
    const width = (field: keyof typeof header) =>
      Math.max(header[field].length, ...rows.map((row) => row[field].length));
    const columns = ["name", "scope", "what", "session"] as const;
    const line = (row: typeof header) =>
      `${columns.map((field) => row[field].padEnd(width(field))).join("  ")}  ${row.age}`;
    printSafe(
      `${proposals.length} ${proposals.length === 1 ? "proposal" : "proposals"} waiting for review (${shownFolder(inbox.folder)}):`,
    );
    printSafe(line(header));
    for (const row of rows) printSafe(line(row));
    printSafe("");
    printSafe("tacit memory inbox show <name> · approve <name…> | --all · reject <name…> | --all");
  });
}

export async function showInboxCommand(name: string): Promise<void> {
  await withMemoryContext((context) => {
    const [proposal] = findOrFail(inboxOf(context), [name]);
    printSafe(
      proposalDetails(
        { store: context.service.store, projectRoot: context.projectRoot },
        proposal!,
        new Date(),
      ),
    );
  });
}

export async function approveInboxCommand(
  names: string[],
  options: { all?: boolean; force?: boolean },
): Promise<void> {
  await withMemoryContext(async (context) => {
    const inbox = inboxOf(context);
    const chosen = options.all ? inbox.list().proposals : findOrFail(inbox, requireNames(names, "approve"));
    if (chosen.length === 0) return printSafe("No proposals waiting for review.");
    let refused = 0;
    for (const proposal of chosen) {
      try {
        const done = await approveProposal(
          {
            store: context.service.store,
            inbox,
            projectRoot: context.projectRoot,
            force: options.force === true,
          },
          proposal,
        );
        printSafe(`Approved ${proposalKey(proposal)}: ${done}`);
      } catch (error) {
        if (!(error instanceof MemoryError)) throw error;
        refused++;
        process.stderr.write(
          `tacit: ${error instanceof BaseChangedError ? "" : `${proposalKey(proposal)}: `}${error.message}\n`,
        );
      }
    }
    context.service.syncIndex();
    if (refused > 0) {
      process.exitCode = 1;
      printSafe(`${refused} not approved; ${refused === 1 ? "it stays" : "they stay"} in the inbox.`);
    }
  });
}

export async function rejectInboxCommand(names: string[], options: { all?: boolean }): Promise<void> {
  await withMemoryContext((context) => {
    const inbox = inboxOf(context);
    if (options.all) {
      const { proposals, broken } = inbox.list();
      for (const proposal of proposals) inbox.remove(proposalKey(proposal));
      for (const file of broken) inbox.remove(file.fileName);
      const count = proposals.length + broken.length;
      printSafe(
        count === 0
          ? "No proposals waiting for review."
          : `Rejected ${count} ${count === 1 ? "proposal" : "proposals"}; no memory or skill changed.`,
      );
      return;
    }
    const { broken } = inbox.list();
    const wanted = requireNames(names, "reject");
    // An unreadable proposal file can be rejected by its file name, as the list names it.
    const brokenNamed = broken.filter((file) => wanted.includes(file.fileName));
    const chosen = findOrFail(
      inbox,
      wanted.filter((name) => !brokenNamed.some((file) => file.fileName === name)),
    );
    for (const file of brokenNamed) inbox.remove(file.fileName);
    for (const proposal of chosen) {
      inbox.remove(proposalKey(proposal));
      printSafe(`Rejected ${proposalKey(proposal)}; nothing changed.`);
    }
    for (const file of brokenNamed) printSafe(`Removed the unreadable proposal file ${file.fileName}.`);
  });
}

function requireNames(names: string[], verb: string): string[] {
  if (names.length === 0)
    throw new UserFacingError(`name the proposals to ${verb} (tacit memory inbox lists them), or pass --all`);
  return names;
}

function findOrFail(inbox: ReviewInbox, names: readonly string[]) {
  try {
    return findProposals(inbox.list(), names);
  } catch (error) {
    if (error instanceof MemoryError) throw new UserFacingError(error.message);
    throw error;
  }
}
