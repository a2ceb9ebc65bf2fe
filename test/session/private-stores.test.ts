// The stores that keep the user's bytes unredacted (checkpoint blobs, attached images) are the
// user's alone: 0700 folders and 0600 files whatever the umask, and a store kept before with
// open modes is tightened on its next write.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CheckpointBlobs, checkpointBlobDirectory } from "../../src/session/checkpoint-blobs.ts";
import { ImageFiles } from "../../src/session/image-files.ts";

let home: string;
let umask: number;
beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), "tacit-private-"));
  // The usual umask, under which a plain write is readable by everyone.
  umask = process.umask(0o022);
});
afterEach(() => {
  process.umask(umask);
  rmSync(home, { recursive: true, force: true });
});

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe("private stores", () => {
  it("writes checkpoint blobs 0600 in 0700 folders", () => {
    const blobs = new CheckpointBlobs(checkpointBlobDirectory(home));
    const hash = blobs.put(Buffer.from("SECRET=sk-live-0123456789abcdef\n"));
    expect(modeOf(path.join(home, "checkpoints"))).toBe(0o700);
    expect(modeOf(checkpointBlobDirectory(home))).toBe(0o700);
    expect(modeOf(path.join(checkpointBlobDirectory(home), hash))).toBe(0o600);
  });

  it("tightens a blob store kept with open modes on its next write", () => {
    const directory = checkpointBlobDirectory(home);
    mkdirSync(directory, { recursive: true });
    chmodSync(path.join(home, "checkpoints"), 0o755);
    chmodSync(directory, 0o755);
    const old = path.join(directory, "0".repeat(64));
    writeFileSync(old, "old secret");
    chmodSync(old, 0o644);
    new CheckpointBlobs(directory).put(Buffer.from("new"));
    expect(modeOf(path.join(home, "checkpoints"))).toBe(0o700);
    expect(modeOf(directory)).toBe(0o700);
    expect(modeOf(old)).toBe(0o600);
  });

  it("writes attached images 0600 in a 0700 folder, tightening an open one", () => {
    const directory = path.join(home, "images");
    mkdirSync(directory);
    chmodSync(directory, 0o755);
    const sha256 = "b".repeat(64);
    new ImageFiles(directory).externalize({
      role: "user",
      content: [{ type: "image", mediaType: "image/png", name: "shot.png", sha256, data: "aGVsbG8=" }],
    });
    expect(modeOf(directory)).toBe(0o700);
    expect(modeOf(path.join(directory, sha256))).toBe(0o600);
  });
});
