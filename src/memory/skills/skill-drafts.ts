import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileHash, type SkillProposal } from "../inbox/proposal.ts";
import type { ReviewInbox } from "../inbox/review-inbox.ts";
import { MemoryError } from "../memory-error.ts";
import { parseSkillFile } from "./catalog.ts";
import {
  listSkillFiles,
  readSkillText,
  SKILL_FILE,
  skillFilePath,
  skillNameProblem,
  writeSkillFile,
} from "./skill-files.ts";

/**
 * Skills as reflection drafts them. A user skill (`<tacit home>/skills/<name>`)
 * is written in place; a project skill (`<repo>/.tacit/skills/<name>`, or the
 * repository folder it already lives in) is proposed through the review inbox,
 * since the repository is shared with the team. Reads see a pending proposal
 * over the files, so a skill created and then refined in one pass reads back
 * as drafted.
 */

export type SkillDraftScope = "user" | "project";

interface SkillDraftLocations {
  projectRoot: string;
  /** The user's home (for ~/.claude/skills, which tacit reads but does not change). */
  home: string;
  tacitHome: string;
}

export interface SkillDraftOptions {
  locations: SkillDraftLocations;
  inbox: ReviewInbox;
  /** The session whose reflection drafts: recorded in each proposal. */
  session: string;
  actor?: string;
  /** Project skills exist only in a git repository (as the project memory scope). */
  inRepository: boolean;
  /** Say what would be written or proposed, and change nothing. */
  dryRun?: boolean;
  now?: () => Date;
}

/** Where a skill is (or will be): its skills folder, and for a project one its folder relative to the repository. */
interface SkillPlace {
  scope: SkillDraftScope;
  skillsFolder: string;
  /** Project skills: the skills folder relative to the repository (`.tacit/skills` and the like). */
  relative?: string;
  /** A folder tacit reads but never writes (~/.claude/skills): why not. */
  readOnly?: string;
}

const PROJECT_FOLDERS = [".tacit", ".claude", ".agents"];

export class SkillDrafts {
  private readonly options: SkillDraftOptions;

  constructor(options: SkillDraftOptions) {
    this.options = options;
  }

  /** The place of an existing skill (a pending project proposal counts), else undefined. */
  find(name: string): SkillPlace | undefined {
    const problem = skillNameProblem(name);
    if (problem) throw new MemoryError(problem);
    const { projectRoot, tacitHome, home } = this.options.locations;
    const proposal = this.proposal(name);
    if (proposal) return this.projectPlace(path.posix.dirname(proposal.folder));
    if (this.options.inRepository) {
      for (const folder of PROJECT_FOLDERS) {
        if (existsSync(path.join(projectRoot, folder, "skills", name, SKILL_FILE)))
          return this.projectPlace(`${folder}/skills`);
      }
    }
    const userFolder = path.join(tacitHome, "skills");
    if (existsSync(path.join(userFolder, name, SKILL_FILE)))
      return { scope: "user", skillsFolder: userFolder };
    const claudeFolder = path.join(home, ".claude", "skills");
    if (existsSync(path.join(claudeFolder, name, SKILL_FILE)))
      return {
        scope: "user",
        skillsFolder: claudeFolder,
        readOnly: `the skill ${name} is in ${claudeFolder}, which tacit reads but does not change; create a user skill of another name instead`,
      };
    return undefined;
  }

  /** Every skill the drafts can see (a pending project proposal included), by name. */
  list(): Array<{ name: string; scope: SkillDraftScope; description: string; pending: boolean }> {
    const { projectRoot, tacitHome, home } = this.options.locations;
    const folders = [
      ...(this.options.inRepository
        ? PROJECT_FOLDERS.map((folder) => path.join(projectRoot, folder, "skills"))
        : []),
      path.join(tacitHome, "skills"),
      path.join(home, ".claude", "skills"),
    ];
    const names = new Set<string>();
    for (const folder of folders) for (const name of subfolders(folder)) names.add(name);
    for (const proposal of this.options.inbox.list().proposals)
      if (proposal.kind === "skill") names.add(proposal.name);
    return [...names].sort().flatMap((name) => {
      if (skillNameProblem(name)) return [];
      const place = this.find(name);
      const parsed = place ? parseSkillFile(this.read(place, name, SKILL_FILE) ?? "") : undefined;
      if (!place || parsed === undefined || typeof parsed === "string") return [];
      const pending = place.scope === "project" && this.proposal(name) !== undefined;
      return [{ name, scope: place.scope, description: parsed.description, pending }];
    });
  }

  /** Where a new skill of this scope goes. */
  placeFor(scope: SkillDraftScope): SkillPlace {
    if (scope === "user")
      return { scope, skillsFolder: path.join(this.options.locations.tacitHome, "skills") };
    if (!this.options.inRepository)
      throw new MemoryError(
        "there are no project skills outside a git repository; draft a user skill instead",
      );
    return this.projectPlace(".tacit/skills");
  }

  /** A file's text as drafted so far (a pending proposal over the file), undefined when there is none. */
  read(place: SkillPlace, name: string, file: string): string | undefined {
    const pending = place.scope === "project" ? this.proposal(name)?.files[file] : undefined;
    return pending ?? readSkillText(place.skillsFolder, name, file, this.within(place));
  }

  /** Every file of the skill as drafted, SKILL.md first. */
  files(place: SkillPlace, name: string): string[] {
    const onDisk = listSkillFiles(path.join(place.skillsFolder, name));
    const pending = place.scope === "project" ? Object.keys(this.proposal(name)?.files ?? {}) : [];
    const all = new Set([...onDisk, ...pending]);
    all.delete(SKILL_FILE);
    return [SKILL_FILE, ...[...all].sort()];
  }

  /**
   * Writes one file (user) or adds it to the skill's proposal (project).
   * SKILL.md must keep a frontmatter with this name and a description.
   * Returns what happened, in one line for the model.
   */
  write(place: SkillPlace, name: string, file: string, text: string): string {
    if (place.readOnly) throw new MemoryError(place.readOnly);
    if (file === SKILL_FILE) checkSkillMarkdown(name, text);
    else if (this.read(place, name, SKILL_FILE) === undefined)
      throw new MemoryError(`create ${SKILL_FILE} of the skill ${name} first`);
    // A dry run (tacit reflect --dry-run) checks everything and says what it would do, changing nothing.
    if (this.options.dryRun) {
      const where =
        place.scope === "user"
          ? path.join(place.skillsFolder, name, file)
          : `${place.relative}/${name}/${file}`;
      skillFilePath(place.skillsFolder, name, file, this.within(place));
      return `Dry run: would ${place.scope === "user" ? "write" : "propose for review"} ${where} (${place.scope} skill ${name}).`;
    }
    if (place.scope === "user") {
      const written = writeSkillFile(place.skillsFolder, name, file, text);
      return `Wrote ${written} (user skill ${name}).`;
    }
    const { projectRoot } = this.options.locations;
    const target = skillFilePath(place.skillsFolder, name, file, projectRoot);
    const existing = this.proposal(name);
    const proposal: SkillProposal = {
      version: 1,
      kind: "skill",
      name,
      folder: `${place.relative ?? ".tacit/skills"}/${name}`,
      session: this.options.session,
      ...(this.options.actor ? { actor: this.options.actor } : {}),
      proposedAt: (this.options.now?.() ?? new Date()).toISOString(),
      files: { ...existing?.files, [file]: text },
      // The base is the file as it was when the draft first touched it.
      baseHashes: {
        ...existing?.baseHashes,
        [file]:
          existing && file in existing.baseHashes ? (existing.baseHashes[file] ?? null) : fileHash(target),
      },
    };
    this.options.inbox.put(proposal);
    return `Proposed for review: ${proposal.folder}/${file} (project skill ${name}). It takes effect when the user approves it (tacit memory inbox); until then your reads of it show the proposal.`;
  }

  private proposal(name: string): SkillProposal | undefined {
    const found = this.options.inbox.get(`skill/${name}`);
    return found?.kind === "skill" ? found : undefined;
  }

  private projectPlace(parent: string): SkillPlace {
    return {
      scope: "project",
      skillsFolder: path.join(this.options.locations.projectRoot, ...parent.split("/")),
      relative: parent,
    };
  }

  private within(place: SkillPlace): string | undefined {
    return place.scope === "project" ? this.options.locations.projectRoot : undefined;
  }
}

function subfolders(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

/** A SKILL.md the catalog will load: frontmatter with this name and a description. */
function checkSkillMarkdown(name: string, text: string): void {
  const parsed = parseSkillFile(text);
  if (typeof parsed === "string") throw new MemoryError(`${SKILL_FILE}: ${parsed}; nothing saved`);
  if (parsed.name !== name)
    throw new MemoryError(
      `${SKILL_FILE}: its frontmatter name "${parsed.name}" must be the skill's name "${name}"`,
    );
  if (!parsed.body) throw new MemoryError(`${SKILL_FILE}: the instructions after the frontmatter are empty`);
}
