import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../../config/atomic-write.ts";
import { projectStateDirectory } from "../../config/paths.ts";
import { MemoryError } from "../memory-error.ts";
import {
  keyOfFileName,
  type Proposal,
  parseProposal,
  proposalFileName,
  proposalKey,
  serializeProposal,
} from "./proposal.ts";

/** A file in the inbox folder that could not be read as a proposal: listed in one line, never fatal. */
interface BrokenProposal {
  fileName: string;
  problem: string;
}

export interface InboxListing {
  /** Oldest first. */
  proposals: Proposal[];
  broken: BrokenProposal[];
}

/** `~/.tacit/projects/<project>/inbox/`: personal (never in the repository), one JSON file per proposal. */
export function inboxFolder(home: string, projectRoot: string): string {
  return path.join(projectStateDirectory(home, projectRoot), "inbox");
}

/**
 * The review inbox of one project. Proposals are files written atomically,
 * so a reader sees a whole proposal or none, and a reflection process and
 * `tacit memory inbox` can share the folder.
 */
export class ReviewInbox {
  readonly folder: string;

  constructor(folder: string) {
    this.folder = folder;
  }

  list(): InboxListing {
    const proposals: Proposal[] = [];
    const broken: BrokenProposal[] = [];
    for (const fileName of this.fileNames()) {
      const read = this.readFile(fileName);
      if (typeof read === "string") broken.push({ fileName, problem: read });
      else proposals.push(read);
    }
    proposals.sort((left, right) => left.proposedAt.localeCompare(right.proposedAt));
    return { proposals, broken };
  }

  /** The proposal under a key (`project/use-pnpm`), undefined when there is none or it cannot be read. */
  get(key: string): Proposal | undefined {
    const read = this.readFile(proposalFileName(key));
    return typeof read === "string" ? undefined : read;
  }

  put(proposal: Proposal): string {
    const filePath = this.pathOf(proposalKey(proposal));
    writeFileAtomic(filePath, serializeProposal(proposal));
    return filePath;
  }

  /** Removes a proposal (or a broken file, by its file name). Removing what is not there is not an error. */
  remove(keyOrFileName: string): void {
    const fileName = keyOrFileName.endsWith(".json") ? keyOrFileName : proposalFileName(keyOrFileName);
    if (path.basename(fileName) !== fileName || fileName.startsWith("."))
      throw new MemoryError(`"${keyOrFileName}" is not a proposal`);
    rmSync(path.join(this.folder, fileName), { force: true });
  }

  pathOf(key: string): string {
    return path.join(this.folder, proposalFileName(key));
  }

  private fileNames(): string[] {
    try {
      return readdirSync(this.folder, { withFileTypes: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith(".json") && !entry.name.startsWith("."))
        .map((entry) => entry.name)
        .sort();
    } catch {
      return []; // no inbox yet
    }
  }

  private readFile(fileName: string): Proposal | string {
    if (!keyOfFileName(fileName)) return "its name is not <scope>--<name>.json";
    let text: string;
    try {
      text = readFileSync(path.join(this.folder, fileName), "utf8");
    } catch (error) {
      return `unreadable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
    return parseProposal(text, fileName);
  }
}

/**
 * The start-up line when proposals wait: "2 proposed project memories waiting for review: tacit
 * memory inbox". It counts what the inbox can read, as `tacit memory inbox` lists it, and names
 * files it cannot read apart ("… and 1 unreadable proposal file"), so the two never disagree.
 */
export function waitingProposalsNotice(folder: string): string | undefined {
  const { proposals, broken } = new ReviewInbox(folder).list();
  if (proposals.length === 0 && broken.length === 0) return undefined;
  const count = (scope: string) =>
    proposals.filter((proposal) => proposalKey(proposal).startsWith(`${scope}/`)).length;
  const parts: string[] = [];
  for (const scope of ["project", "local", "user"]) {
    const scoped = count(scope);
    if (scoped > 0) parts.push(`${scoped} proposed ${scope} ${scoped === 1 ? "memory" : "memories"}`);
  }
  const skills = count("skill");
  if (skills > 0) parts.push(`${skills} proposed ${skills === 1 ? "skill" : "skills"}`);
  const unreadable = `${broken.length} unreadable proposal ${broken.length === 1 ? "file" : "files"}`;
  if (parts.length === 0) return `${unreadable} in the review inbox: tacit memory inbox`;
  const waiting = `${parts.join(", ")} waiting for review`;
  return `${waiting}${broken.length > 0 ? ` and ${unreadable}` : ""}: tacit memory inbox`;
}
