/**
 * Reads back everything tacit wrote to disk, in every form it takes there: the bytes
 * of every file, the decompressed content of every git object (blobs, trees, commit
 * messages), and every value of every column of every table of a SQLite database.
 * The secrets corpus tests search these texts for raw secrets.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

export interface StoredText {
  /** Where the text was found: a file path, "git <repo>", or "sqlite <table>.<column>". */
  where: string;
  text: string;
}

/** `root` itself when a file, else every regular file under it (git's folders included), as latin1 so any byte survives. */
export function filesUnder(root: string): StoredText[] {
  if (!existsSync(root)) return [];
  const found: StoredText[] = [];
  const visit = (place: string) => {
    if (statSync(place).isFile()) {
      found.push({ where: place, text: readFileSync(place).toString("latin1") });
      return;
    }
    for (const entry of readdirSync(place, { withFileTypes: true })) {
      if (entry.isDirectory() || entry.isFile()) visit(path.join(place, entry.name));
    }
  };
  visit(root);
  return found;
}

/** Folders under `root` that hold a git repository (a `.git` folder). */
export function gitRepositoriesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  const repositories: string[] = [];
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const full = path.join(folder, entry.name);
      if (entry.name === ".git") repositories.push(folder);
      else visit(full);
    }
  };
  visit(root);
  return repositories;
}

/** The decompressed content of every object in a repository, loose and packed, reachable or not. */
export function gitObjects(repository: string): StoredText {
  const text = execFileSync("git", ["cat-file", "--batch-all-objects", "--batch", "--unordered"], {
    cwd: repository,
    maxBuffer: 512 * 1024 * 1024,
  }).toString("latin1");
  return { where: `git ${repository}`, text };
}

/** Every table of a SQLite file (FTS shadow tables included), one text per column, read through SQLite. */
export function sqliteColumns(databaseFile: string): StoredText[] {
  if (!existsSync(databaseFile) || statSync(databaseFile).size === 0) return [];
  const database = new DatabaseSync(databaseFile, { readOnly: true });
  try {
    const tables = database
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")
      .all()
      .map((row) => String(row.name));
    const found: StoredText[] = [];
    for (const table of tables) {
      const columns = new Map<string, string[]>();
      for (const row of database.prepare(`SELECT * FROM "${table.replaceAll('"', '""')}"`).all()) {
        for (const [column, value] of Object.entries(row)) {
          const texts = columns.get(column) ?? [];
          if (typeof value === "string") texts.push(value);
          else if (value instanceof Uint8Array) texts.push(Buffer.from(value).toString("latin1"));
          columns.set(column, texts);
        }
      }
      for (const [column, texts] of columns)
        found.push({ where: `sqlite ${table}.${column}`, text: texts.join("\n") });
    }
    return found;
  } finally {
    database.close();
  }
}

/** Each (secret, place) pair where a raw secret was found. */
export function rawSecretsIn(
  texts: StoredText[],
  secrets: Array<{ name: string; value: string }>,
): Array<{ name: string; value: string; where: string }> {
  const found: Array<{ name: string; value: string; where: string }> = [];
  for (const stored of texts) {
    for (const secret of secrets) {
      if (stored.text.includes(secret.value)) found.push({ ...secret, where: stored.where });
    }
  }
  return found;
}

/**
 * Everything tacit keeps on disk for one user and one project: every file under
 * TACIT_HOME and the project's .tacit, every object of every git repository there,
 * and every column of tacit.db.
 */
export function storedByTacit(home: string, project: string): StoredText[] {
  const dotTacit = path.join(project, ".tacit");
  const repositories = [...gitRepositoriesUnder(home), ...gitRepositoriesUnder(dotTacit)];
  return [
    ...filesUnder(home),
    ...filesUnder(dotTacit),
    ...repositories.map(gitObjects),
    ...sqliteColumns(path.join(home, "tacit.db")),
  ];
}
