import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { MEMORY_SCOPES, type MemoryScope } from "../scopes.ts";

/**
 * One change waiting for the user's review: a memory to write, delete or
 * rename, or a skill's files to write. It keeps what the change was based on
 * (the hash of each file it replaces, or null when there was none) so that
 * approving it after someone else changed that file is caught, not silently
 * overwritten.
 */

/** The name part of a proposal file and key: kebab-case, as memory and skill names are. */
const NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

// Made at the first proposal read (parseProposal), not when the module loads: start-up need not pay
// for zod's object building.
function buildProposalSchemas() {
  const nameSchema = z.string().max(64).regex(NAME_PATTERN, "not a kebab-case name");
  const scopeSchema = z.enum(MEMORY_SCOPES);
  const hashSchema = z.string().regex(/^[0-9a-f]{64}$/, "not a sha256 hash");

  const common = {
    version: z.literal(1),
    /** The session (or "claude-code:<uuid>"…) whose reflection proposed it. */
    session: z.string().min(1),
    /** Who proposed it ("reflection"); the approving commit starts with it. */
    actor: z.string().min(1).optional(),
    /** ISO time of the latest change to the proposal. */
    proposedAt: z.string().refine((value) => !Number.isNaN(Date.parse(value)), "not an ISO time"),
  };

  const memoryProposalSchema = z.object({
    ...common,
    kind: z.literal("memory"),
    action: z.enum(["write", "delete", "rename"]),
    scope: scopeSchema,
    /** The memory it writes (write, rename) or removes (delete). */
    name: nameSchema,
    /** write and rename: the whole proposed file. */
    text: z.string().optional(),
    /** rename: the memory that goes away. */
    from: z.object({ scope: scopeSchema, name: nameSchema }).optional(),
    /** sha256 of the file the change replaces (rename: of `from`), null when there was none. */
    baseHash: hashSchema.nullable(),
  });

  const skillProposalSchema = z.object({
    ...common,
    kind: z.literal("skill"),
    name: nameSchema,
    /** The skill's folder, relative to the project root (`.tacit/skills/<name>`, or where it already was). */
    folder: z.string().min(1),
    /** Relative path (with `/`) → the whole proposed text. */
    files: z.record(z.string(), z.string()),
    /** Relative path → sha256 of the file it replaces, null when there was none. */
    baseHashes: z.record(z.string(), hashSchema.nullable()),
  });
  const proposal = z.discriminatedUnion("kind", [memoryProposalSchema, skillProposalSchema]);
  return { memory: memoryProposalSchema, skill: skillProposalSchema, proposal };
}
let schemas: ReturnType<typeof buildProposalSchemas> | undefined;

export type MemoryProposal = z.infer<ReturnType<typeof buildProposalSchemas>["memory"]>;
export type SkillProposal = z.infer<ReturnType<typeof buildProposalSchemas>["skill"]>;
export type Proposal = MemoryProposal | SkillProposal;

/** `project/use-pnpm`, `user/tabs`, `skill/release`: unique in one inbox. */
export function proposalKey(proposal: Pick<Proposal, "kind" | "name"> & { scope?: MemoryScope }): string {
  return `${proposal.kind === "skill" ? "skill" : proposal.scope}/${proposal.name}`;
}

/** The file a proposal is kept in: `project--use-pnpm.json` (names never hold two hyphens in a row). */
export function proposalFileName(key: string): string {
  return `${key.replace("/", "--")}.json`;
}

export function keyOfFileName(fileName: string): string | undefined {
  const match = /^(user|project|local|skill)--([a-z0-9]+(?:-[a-z0-9]+)*)\.json$/.exec(fileName);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

/** Reads a proposal file's text; a string says in one line why it is not a proposal. */
export function parseProposal(text: string, fileName: string): Proposal | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  schemas ??= buildProposalSchemas();
  const parsed = schemas.proposal.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `not a proposal (${issue?.path.join(".") || "top level"}: ${issue?.message ?? "invalid"})`;
  }
  const proposal = parsed.data;
  if (keyOfFileName(fileName) !== proposalKey(proposal))
    return `its content is for ${proposalKey(proposal)}, not for its file name`;
  if (proposal.kind === "memory") {
    if (proposal.action !== "delete" && proposal.text === undefined)
      return `a ${proposal.action} without text`;
    if (proposal.action === "rename" && !proposal.from) return "a rename without `from`";
  }
  return proposal;
}

export function serializeProposal(proposal: Proposal): string {
  return `${JSON.stringify(proposal, null, 2)}\n`;
}

/** sha256 of a file's bytes, or null when there is no file. */
export function fileHash(filePath: string): string | null {
  try {
    return createHash("sha256").update(readFileSync(filePath)).digest("hex");
  } catch {
    return null;
  }
}
