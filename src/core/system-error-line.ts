import { statSync } from "node:fs";
import path from "node:path";

/**
 * A file-system error from Node ("ENOTDIR: not a directory, mkdir '/x/a.txt/user'") said as one
 * line with the path and its cause in words: "could not create the folder /x/a.txt/user: /x/a.txt
 * is a file, not a folder". Undefined for anything that is not such an error.
 */
export function systemErrorLine(error: unknown): string | undefined {
  const { code, syscall, path: file, message } = (error ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== "string" || typeof syscall !== "string" || typeof file !== "string") return undefined;
  const action = ACTIONS[syscall] ?? `${syscall}`;
  return `could not ${action} ${file}: ${causeOf(code, file, message ?? "")}`;
}

const ACTIONS: Record<string, string> = {
  mkdir: "create the folder",
  open: "open",
  read: "read",
  write: "write",
  rename: "move",
  unlink: "remove",
  rmdir: "remove",
  scandir: "list",
  stat: "read",
  lstat: "read",
  copyfile: "copy",
  symlink: "link",
  chmod: "change the mode of",
};

function causeOf(code: string, file: string, message: string): string {
  if (code === "ENOTDIR" || (code === "EEXIST" && !isFolder(file))) {
    const inTheWay = fileInTheWay(file);
    if (inTheWay) return `${inTheWay} is a file, not a folder`;
  }
  const known = CAUSES[code];
  if (known) return known;
  // Node's own words without the code in front and the call and path after: "not a directory".
  return message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/s, "");
}

const CAUSES: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "not permitted",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  EROFS: "the file system is read-only",
  ENOENT: "no such file or folder",
  EISDIR: "it is a folder, not a file",
  EEXIST: "it exists already",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many links in the path",
};

/** The nearest part of the path, itself included, that exists and is not a folder. */
function fileInTheWay(file: string): string | undefined {
  let current = path.resolve(file);
  for (;;) {
    try {
      return statSync(current).isDirectory() ? undefined : current;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return undefined;
      current = parent;
    }
  }
}

function isFolder(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}
