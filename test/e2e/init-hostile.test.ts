import { execFileSync } from "node:child_process";
import { symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

// `tacit init` through the built CLI on a repository whose committed symlinks lead into the user's home:
// the first request to the model must carry none of what they point at.

describe("tacit init on a repository with links out of it", () => {
  const e2e = e2eFixture();

  beforeAll(() => {
    const home = e2e.workspace.userHome;
    writeFileSync(path.join(home, "secret.txt"), "SECRET-readme-outside\n");
    writeFileSync(
      path.join(home, "pkg.json"),
      JSON.stringify({ scripts: { test: "echo SECRET-pkg-outside" } }),
    );
    writeFileSync(path.join(home, ".bashrc"), "export SECRET_BASHRC=1\n");
    symlinkSync(path.join(home, "secret.txt"), e2e.inProject("README.md"));
    symlinkSync(path.join(home, "pkg.json"), e2e.inProject("package.json"));
    symlinkSync(path.relative(e2e.workspace.project, path.join(home, ".bashrc")), e2e.inProject("AGENTS.md"));
    writeFileSync(e2e.inProject("index.js"), "console.log('hi');\n");
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@localhost", "add", "-A"], {
      cwd: e2e.workspace.project,
    });
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qm", "links"], {
      cwd: e2e.workspace.project,
    });
  });

  it("sends none of the linked files' text and says in the survey which it skipped", async () => {
    const { server } = e2e;
    server.enqueue({ text: "Nothing worth saving." });
    const before = server.requests.length;
    const result = await e2e.run(["init", "--model", e2e.model]);
    expect(result.code).toBe(0);

    const sent = JSON.stringify(server.requests[before]!.normalized);
    expect(sent).not.toContain("SECRET");
    const first = server.requests[before]!.normalized.messages[0]!.text;
    expect(first).toContain("# Repository survey");
    expect(first).toContain("index.js");
    for (const file of ["README.md", "package.json", "AGENTS.md"]) {
      expect(first).toContain(`- ${file}: a link leading outside the repository`);
    }
  });
});
