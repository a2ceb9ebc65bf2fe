import { readFileSync } from "node:fs";
import { createTwoFilesPatch } from "diff";
import { MemoryError } from "../memory-error.ts";
import type { MemoryStore } from "../memory-store.ts";
import { readSkillText } from "../skills/skill-files.ts";
import { projectSkillsFolder } from "./approve.ts";
import { type Proposal, proposalKey } from "./proposal.ts";
import type { InboxListing } from "./review-inbox.ts";

/** How the inbox is shown, the same in `tacit memory inbox` and the TUI's /memory inbox. */

export interface ProposalRow {
  key: string;
  /** What the user types: the bare name, or the key when two proposals share a name. */
  name: string;
  /** project, user, local, or skill. */
  scope: string;
  what: string;
  session: string;
  age: string;
}

export function proposalRows(proposals: readonly Proposal[], now: Date): ProposalRow[] {
  const counts = new Map<string, number>();
  for (const proposal of proposals) counts.set(proposal.name, (counts.get(proposal.name) ?? 0) + 1);
  return proposals.map((proposal) => {
    const key = proposalKey(proposal);
    return {
      key,
      name: (counts.get(proposal.name) ?? 0) > 1 ? key : proposal.name,
      scope: key.split("/")[0] ?? "",
      what: describeChange(proposal),
      session: proposal.session,
      age: formatAge(proposal.proposedAt, now),
    };
  });
}

function describeChange(proposal: Proposal): string {
  if (proposal.kind === "skill") {
    const files = Object.keys(proposal.files).sort();
    const created = files.every((file) => proposal.baseHashes[file] === null);
    return `${created ? "new skill" : "skill edit"}: ${files.join(", ")}`;
  }
  if (proposal.action === "delete") return "delete";
  if (proposal.action === "rename") return `rename of ${proposal.from?.scope}/${proposal.from?.name}`;
  return proposal.baseHash === null ? "new memory" : "edit";
}

/** "45s", "12m", "3h", "2d" ago. */
function formatAge(iso: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** The proposals the user named (`use-pnpm` or `project/use-pnpm`); an unknown or ambiguous name is one line. */
export function findProposals(listing: InboxListing, names: readonly string[]): Proposal[] {
  return [...new Set(names)].map((name) => {
    const matching = listing.proposals.filter(
      (proposal) => proposalKey(proposal) === name || proposal.name === name,
    );
    if (matching.length === 1) return matching[0]!;
    if (matching.length > 1)
      throw new MemoryError(
        `"${name}" names ${matching.length} proposals: use ${matching.map(proposalKey).join(" or ")}`,
      );
    const known = listing.proposals.map((proposal) => proposal.name).join(", ");
    throw new MemoryError(`no proposal named "${name}" in the inbox${known ? ` (there are: ${known})` : ""}`);
  });
}

export interface ShowContext {
  store: MemoryStore;
  projectRoot: string;
}

/** The proposed file(s) and a diff against what is there now. */
export function proposalDetails(context: ShowContext, proposal: Proposal, now: Date): string {
  const head = `${proposalKey(proposal)} · ${describeChange(proposal)} · proposed by ${proposal.actor ?? "a session"} of session ${proposal.session}, ${formatAge(proposal.proposedAt, now)} ago`;
  const parts = [head];
  if (proposal.kind === "skill") {
    const folder = projectSkillsFolder(context.projectRoot, proposal);
    for (const file of Object.keys(proposal.files).sort()) {
      const shown = `${proposal.folder}/${file}`;
      const current = readSkillText(folder, proposal.name, file, context.projectRoot);
      parts.push(...fileSections(shown, proposal.files[file] ?? "", current));
    }
    return parts.join("\n\n");
  }
  const { store } = context;
  const shown = `${scopeFolderLabel(proposal.scope)}/${proposal.name}.md`;
  if (proposal.action === "delete") {
    const current = readIfThere(store.filePath(proposal.scope, proposal.name));
    parts.push(
      current === undefined
        ? `${shown} is already gone.`
        : `--- the file it deletes (${shown}) ---\n${current.trimEnd()}`,
    );
    return parts.join("\n\n");
  }
  const from = proposal.action === "rename" ? proposal.from : undefined;
  const basedOn = from ?? proposal;
  const current = readIfThere(store.filePath(basedOn.scope, basedOn.name));
  parts.push(
    ...fileSections(shown, proposal.text ?? "", current, from ? `${from.scope}/${from.name}` : undefined),
  );
  return parts.join("\n\n");
}

function fileSections(
  shown: string,
  proposed: string,
  current: string | undefined,
  renamedFrom?: string,
): string[] {
  const against = renamedFrom ? `the current ${renamedFrom}` : "the current file";
  return [
    `--- proposed ${shown} ---\n${proposed.trimEnd()}`,
    current === undefined
      ? `--- no current file: approving creates it ---`
      : `--- diff against ${against} ---\n${diffLines(current, proposed)}`,
  ];
}

function diffLines(before: string, after: string): string {
  if (before === after) return "(no difference)";
  // The hunks only: the file names are in the section title.
  const patch = createTwoFilesPatch("current", "proposed", before, after, undefined, undefined, {
    context: 3,
  });
  return patch.slice(patch.indexOf("@@")).trimEnd();
}

function scopeFolderLabel(scope: string): string {
  return scope === "project" ? ".tacit/memory" : scope === "user" ? "~/.tacit/memory" : "local memory";
}

function readIfThere(filePath: string): string | undefined {
  try {
    return readFileSync(filePath, "utf8");
  } catch {
    return undefined;
  }
}
