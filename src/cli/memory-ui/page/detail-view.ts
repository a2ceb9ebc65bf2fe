import type { ChangeResult, MemoryDetail } from "../api-types.ts";
import { getJson, postJson } from "./api.ts";
import { button, el, patchView, setStatus, shortDate } from "./dom.ts";

/**
 * One memory: its file, edit and forget, a conflict's two sides to choose from, its git history as
 * diffs, the sessions that wrote it and the turns that recalled it.
 */
export class DetailView {
  private readonly panel = document.getElementById("detail") as HTMLElement;
  private readonly onChanged: () => void;

  constructor(onChanged: () => void) {
    this.onChanged = onChanged;
  }

  async open(scope: string, name: string): Promise<void> {
    try {
      const detail = await getJson<MemoryDetail>("memory", { scope, name });
      this.render(detail);
    } catch (error) {
      setStatus((error as Error).message, "error");
    }
  }

  private render(detail: MemoryDetail): void {
    const { row } = detail;
    const text = el("pre", { id: "detail-text" }, detail.text);
    const actions = el("div", { class: "actions" });
    const editor = el("textarea", { id: "detail-editor", spellcheck: "false", hidden: "" });
    editor.value = detail.text;
    const startEdit = () => {
      text.hidden = true;
      editor.hidden = false;
      actions.replaceChildren(
        button(
          "Save",
          () => void this.change("save", { scope: row.scope, name: row.name, text: editor.value }),
          { id: "save-button" },
        ),
        button("Cancel", () => void this.open(row.scope, row.name)),
      );
    };
    const askForget = () =>
      actions.replaceChildren(
        el("span", {}, `Forget ${row.scope}/${row.name}? `),
        button("Yes, forget it", () => void this.forget(row.scope, row.name), {
          id: "forget-confirm",
          class: "danger",
        }),
        button("Keep it", () => void this.open(row.scope, row.name)),
      );
    actions.append(
      button("Edit", startEdit, { id: "edit-button" }),
      button("Forget", askForget, { id: "forget-button", class: "danger" }),
    );
    const parts = [
      el("h2", { id: "detail-title" }, `${row.scope}/${row.name}`),
      el("p", { class: "meta" }, `${row.type} · updated ${shortDate(row.updated)} · ${detail.filePath}`),
      detail.missingPaths.length > 0
        ? el("p", { class: "warning" }, `Stale: ${detail.missingPaths.join(", ")} no longer exist.`)
        : null,
      detail.conflict ? this.conflictSection(detail) : null,
      actions,
      text,
      editor,
      this.sourcesSection(detail),
      this.recallsSection(detail),
      this.historySection(detail),
    ];
    this.panel.replaceChildren(...parts.filter((part) => part !== null));
  }

  private conflictSection(detail: MemoryDetail): HTMLElement {
    const sides = detail.conflict!;
    const { scope, name } = detail.row;
    const merged = el("textarea", { id: "conflict-merged", spellcheck: "false" });
    merged.value = `${sides.local}\n\n${sides.remote}`;
    const resolve = (body: string) => void this.change("resolve", { scope, name, body });
    return el(
      "section",
      { id: "conflict", class: "conflict" },
      el("h3", {}, "Conflict: two machines changed this memory"),
      el(
        "div",
        { class: "sides" },
        el(
          "div",
          {},
          el("h4", {}, sides.localLabel),
          el("pre", {}, sides.local),
          button(`Keep ${sides.localLabel}`, () => resolve(sides.local), { id: "keep-local" }),
        ),
        el(
          "div",
          {},
          el("h4", {}, sides.remoteLabel),
          el("pre", {}, sides.remote),
          button(`Keep ${sides.remoteLabel}`, () => resolve(sides.remote), { id: "keep-remote" }),
        ),
      ),
      el("h4", {}, "Or write the merged text"),
      merged,
      button("Save merged", () => resolve(merged.value), { id: "keep-merged" }),
    );
  }

  private sourcesSection(detail: MemoryDetail): HTMLElement {
    return el(
      "section",
      { id: "sources" },
      el("h3", {}, "Written by"),
      detail.sources.length === 0
        ? el("p", { class: "muted" }, "No session recorded (written by hand or by a command).")
        : el(
            "ul",
            {},
            ...detail.sources.map((source) => el("li", {}, sessionLabel(source.id, source.title))),
          ),
    );
  }

  private recallsSection(detail: MemoryDetail): HTMLElement {
    return el(
      "section",
      { id: "recalls" },
      el("h3", {}, "Recalled in"),
      detail.recalls.length === 0
        ? el("p", { class: "muted" }, "Never recalled yet.")
        : el(
            "ul",
            {},
            ...detail.recalls.map((recall) =>
              el(
                "li",
                {},
                `${shortDate(recall.at)} · ${sessionLabel(recall.sessionId, recall.title)}, turn ${recall.turn}`,
              ),
            ),
          ),
    );
  }

  private historySection(detail: MemoryDetail): HTMLElement {
    if (!detail.versioned) {
      return el(
        "section",
        { id: "history" },
        el("h3", {}, "History"),
        el("p", { class: "muted" }, "Project memory is versioned by your repository's own git."),
      );
    }
    return el(
      "section",
      { id: "history" },
      el("h3", {}, "History"),
      ...detail.history.map((change) =>
        el(
          "details",
          { class: "history-entry", open: "" },
          el(
            "summary",
            {},
            el("span", { class: "history-date" }, shortDate(change.date)),
            " ",
            el("span", { class: "history-message" }, change.message),
          ),
          patchView(change.patch),
        ),
      ),
    );
  }

  private async forget(scope: string, name: string): Promise<void> {
    if (await this.change("forget", { scope, name }, false)) {
      this.panel.replaceChildren(
        el("p", { class: "muted", id: "detail-empty" }, `${scope}/${name} was forgotten.`),
      );
    }
  }

  /** Sends one change; on success says what happened, refreshes the list and (unless gone) this memory. */
  private async change(
    path: string,
    body: { scope: string; name: string } & Record<string, string>,
    reopen = true,
  ): Promise<boolean> {
    try {
      const result = await postJson<ChangeResult>(path, body);
      setStatus(result.message);
      this.onChanged();
      if (reopen) await this.open(body.scope, body.name);
      return true;
    } catch (error) {
      setStatus((error as Error).message, "error");
      return false;
    }
  }
}

/** "session <id>", with its title when tacit still has the session ("session 01J… (fix the parser)"). */
function sessionLabel(id: string, title: string | undefined): string {
  return title ? `session ${id} (${title})` : `session ${id}`;
}
