import path from "node:path";
import { MemoryError } from "../memory-error.ts";
import { parseMemoryFile } from "../memory-file.ts";
import type { MemoryStore } from "../memory-store.ts";
import type { ChangeOptions } from "../memory-types.ts";
import { skillFilePath, writeSkillFile } from "../skills/skill-files.ts";
import { fileHash, type MemoryProposal, type Proposal, proposalKey, type SkillProposal } from "./proposal.ts";
import type { ReviewInbox } from "./review-inbox.ts";

/** The folders of a repository a project skill may be written to (the catalog's project folders). */
const PROJECT_SKILL_FOLDERS = [".tacit/skills", ".claude/skills", ".agents/skills"];

/** The file a proposal replaces changed after it was proposed: approving needs --force. */
export class BaseChangedError extends MemoryError {
  override name = "BaseChangedError";
}

export interface ApproveContext {
  store: MemoryStore;
  inbox: ReviewInbox;
  projectRoot: string;
  /** Replace a file that changed since the proposal was made. */
  force?: boolean;
}

/**
 * Puts one proposal in place through the store (so it is redacted, validated,
 * and committed in the user and local scopes) and only then removes it from
 * the inbox: a refusal or a failure leaves the proposal where it was.
 * Returns one line saying what changed.
 */
export async function approveProposal(context: ApproveContext, proposal: Proposal): Promise<string> {
  const line =
    proposal.kind === "skill" ? approveSkill(context, proposal) : await approveMemory(context, proposal);
  // A reflection that changed the proposal meanwhile made a newer one: that one stays for review.
  const now = context.inbox.get(proposalKey(proposal));
  if (now === undefined || now.proposedAt === proposal.proposedAt)
    context.inbox.remove(proposalKey(proposal));
  return line;
}

async function approveMemory(context: ApproveContext, proposal: MemoryProposal): Promise<string> {
  const { store } = context;
  const based = proposal.action === "rename" && proposal.from ? proposal.from : proposal;
  checkBase(
    context,
    proposal,
    fileHash(store.filePath(based.scope, based.name)),
    proposal.baseHash,
    `${based.scope}/${based.name}`,
  );
  const options: ChangeOptions = {
    reason: `approved from the review inbox (proposed ${proposal.proposedAt.slice(0, 16).replace("T", " ")})`,
    sessionId: proposal.session,
    ...(proposal.actor ? { actor: proposal.actor } : {}),
  };
  const where = `${proposal.scope}/${proposal.name}`;
  if (proposal.action === "delete") {
    if (!store.exists(proposal.scope, proposal.name)) return `${where} was already gone`;
    await store.remove(proposal.scope, proposal.name, options);
    return `deleted ${where}`;
  }
  const parsed = parseMemoryFile(proposal.text ?? "", proposal.name);
  if (parsed.broken) throw new MemoryError(`the proposal for ${where}: ${parsed.broken}`);
  const result = await store.write(proposal.scope, { ...parsed.memory, name: proposal.name }, options);
  const from = proposal.from;
  if (proposal.action === "rename" && from && store.exists(from.scope, from.name)) {
    await store.remove(from.scope, from.name, {
      ...options,
      reason: `moved to ${where}`,
      keepCopy: false,
    });
    return `moved ${from.scope}/${from.name} to ${where}`;
  }
  return `${result.created ? "created" : "updated"} ${where}`;
}

function approveSkill(context: ApproveContext, proposal: SkillProposal): string {
  const skillsFolder = projectSkillsFolder(context.projectRoot, proposal);
  const files = Object.keys(proposal.files).sort();
  for (const file of files) {
    const current = fileHash(skillFilePath(skillsFolder, proposal.name, file, context.projectRoot));
    checkBase(context, proposal, current, proposal.baseHashes[file] ?? null, `${proposal.folder}/${file}`);
  }
  for (const file of files) {
    writeSkillFile(skillsFolder, proposal.name, file, proposal.files[file] ?? "", context.projectRoot);
  }
  return `wrote the skill ${proposal.name} in ${proposal.folder} (${files.join(", ")})`;
}

/** `<repo>/.tacit/skills` (or the other project skills folder it already lived in); anything else is refused. */
export function projectSkillsFolder(
  projectRoot: string,
  proposal: Pick<SkillProposal, "folder" | "name">,
): string {
  const parent = path.posix.dirname(proposal.folder);
  if (!PROJECT_SKILL_FOLDERS.includes(parent) || path.posix.basename(proposal.folder) !== proposal.name)
    throw new MemoryError(
      `the proposed skill folder ${proposal.folder} is not one of ${PROJECT_SKILL_FOLDERS.join(", ")}/<name>`,
    );
  return path.join(projectRoot, ...parent.split("/"));
}

function checkBase(
  context: ApproveContext,
  proposal: Proposal,
  current: string | null,
  base: string | null,
  what: string,
): void {
  if (current === base || context.force) return;
  const how = base === null ? "was created" : current === null ? "was deleted" : "changed";
  throw new BaseChangedError(
    `${what} ${how} since ${proposalKey(proposal)} was proposed; see tacit memory inbox show ${proposal.name}, then approve --force to apply it anyway, or reject it`,
  );
}
