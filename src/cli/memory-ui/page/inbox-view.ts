import type { ChangeResult, InboxItem } from "../api-types.ts";
import { getJson, postJson } from "./api.ts";
import { button, el, setStatus } from "./dom.ts";

/** The review inbox: each proposal with what approving would change, and approve or reject. */
export async function renderInbox(panel: HTMLElement, onChanged: () => void): Promise<void> {
  let items: InboxItem[];
  try {
    items = await getJson<InboxItem[]>("inbox");
  } catch (error) {
    setStatus((error as Error).message, "error");
    return;
  }
  const act = async (path: string, key: string) => {
    try {
      setStatus((await postJson<ChangeResult>(path, { key })).message);
      onChanged();
    } catch (error) {
      setStatus((error as Error).message, "error");
    }
    await renderInbox(panel, onChanged);
  };
  panel.replaceChildren(
    el("h2", {}, "Review inbox"),
    items.length === 0
      ? el("p", { class: "muted", id: "inbox-empty" }, "No proposals waiting for review.")
      : el(
          "ul",
          { id: "inbox-list" },
          ...items.map((item) =>
            el(
              "li",
              { class: "proposal", "data-key": item.key },
              el("strong", {}, item.key),
              ` · ${item.what} · session ${item.session} · ${item.age} ago `,
              button("Approve", () => void act("inbox/approve", item.key), { class: "approve" }),
              button("Reject", () => void act("inbox/reject", item.key), { class: "reject danger" }),
              el("pre", { class: "proposal-details" }, item.details),
            ),
          ),
        ),
  );
}
