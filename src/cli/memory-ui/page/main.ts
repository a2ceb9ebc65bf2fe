import { DetailView } from "./detail-view.ts";
import { el } from "./dom.ts";
import { renderHealth } from "./health-view.ts";
import { renderInbox } from "./inbox-view.ts";
import { ListView } from "./list-view.ts";

/** The memory browser's page: tabs for memories, the review inbox and memory health. */
type Tab = "memories" | "inbox" | "health";

const side = document.getElementById("side-panel") as HTMLElement;
const detailPanel = document.getElementById("detail") as HTMLElement;
const listPanel = document.getElementById("list-panel") as HTMLElement;
const detail = new DetailView(() => void list.reload());
const openMemory = (scope: string, name: string) => {
  showTab("memories");
  void detail.open(scope, name);
};
const list = new ListView(openMemory);

function showTab(tab: Tab): void {
  for (const each of document.querySelectorAll<HTMLElement>("[data-tab]")) {
    each.classList.toggle("current", each.dataset.tab === tab);
  }
  detailPanel.hidden = tab !== "memories";
  listPanel.hidden = tab !== "memories";
  side.hidden = tab === "memories";
  if (tab === "inbox") void renderInbox(side, () => void list.reload());
  if (tab === "health") void renderHealth(side, openMemory);
}

// Choosing a scope or typing a search from another tab goes back to the list.
document.getElementById("scopes")!.addEventListener("click", () => showTab("memories"));
document.getElementById("search-input")!.addEventListener("input", () => showTab("memories"));
for (const tab of document.querySelectorAll<HTMLElement>("[data-tab]")) {
  tab.addEventListener("click", () => showTab(tab.dataset.tab as Tab));
}
detailPanel.append(
  el("p", { class: "muted", id: "detail-empty" }, "Choose a memory to see its text, history and recalls."),
);
void list.reload();
