import type { MemoryPage, MemoryRow, SearchHit } from "../api-types.ts";
import { getJson } from "./api.ts";
import { el, setStatus } from "./dom.ts";

/** Rows asked for at a time; more load as the user scrolls to the end (10,000 memories never ship at once). */
const PAGE_SIZE = 200;

interface Filter {
  scope: string;
  type: string;
}

/**
 * The sidebar (scopes and types with counts) and the list: a page of rows at a time, or the search
 * engine's hits for the query. Bodies are never listed; a row opens the memory.
 */
export class ListView {
  private filter: Filter = { scope: "", type: "" };
  private query = "";
  private loaded = 0;
  private total = 0;
  private loading = false;
  private generation = 0;
  private readonly list = document.getElementById("memory-list") as HTMLUListElement;
  private readonly sidebar = document.getElementById("scopes") as HTMLElement;
  private readonly summary = document.getElementById("list-summary") as HTMLElement;
  private readonly sentinel = el("li", { id: "list-end" });
  private readonly onOpen: (scope: string, name: string) => void;

  constructor(onOpen: (scope: string, name: string) => void) {
    this.onOpen = onOpen;
    const search = document.getElementById("search-input") as HTMLInputElement;
    let timer: number | undefined;
    search.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void this.search(search.value), 200);
    });
    new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && !this.query) void this.loadMore();
    }).observe(this.sentinel);
  }

  /** Starts over from the first page (after a change, or a new filter). */
  async reload(): Promise<void> {
    if (this.query) return this.search(this.query);
    this.generation++;
    this.loaded = 0;
    this.list.replaceChildren(this.sentinel);
    await this.loadMore();
  }

  private async loadMore(): Promise<void> {
    if (this.loading || (this.loaded > 0 && this.loaded >= this.total)) return;
    this.loading = true;
    const generation = this.generation;
    try {
      const page = await getJson<MemoryPage>("memories", {
        ...this.filter,
        offset: this.loaded,
        limit: PAGE_SIZE,
      });
      if (generation !== this.generation) return;
      this.total = page.total;
      this.loaded += page.items.length;
      this.sentinel.before(...page.items.map((row) => this.rowElement(row)));
      // When the first rows are on screen, measured from navigation (npm run bench:memory-ui reads it).
      if (performance.getEntriesByName("tacit:first-rows").length === 0) performance.mark("tacit:first-rows");
      this.renderSidebar(page.counts);
      this.summary.textContent =
        page.total === 0 ? "No memories here yet." : `${this.loaded} of ${page.total} memories`;
    } catch (error) {
      setStatus((error as Error).message, "error");
    } finally {
      this.loading = false;
    }
  }

  private async search(text: string): Promise<void> {
    this.query = text.trim();
    if (!this.query) return this.reload();
    const generation = ++this.generation;
    try {
      const hits = await getJson<SearchHit[]>("search", { q: this.query, limit: 50 });
      if (generation !== this.generation) return;
      this.list.replaceChildren(...hits.map((hit) => this.rowElement(hit, hit)), this.sentinel);
      this.summary.textContent = `${hits.length} ${hits.length === 1 ? "match" : "matches"} for “${this.query}”`;
    } catch (error) {
      setStatus((error as Error).message, "error");
    }
  }

  private rowElement(row: MemoryRow, hit?: SearchHit): HTMLLIElement {
    const flags = [row.conflict && "conflict", row.stale && "stale", row.pinned && "pinned"].filter(
      Boolean,
    ) as string[];
    const item = el(
      "li",
      { class: "memory-row", "data-key": `${row.scope}/${row.name}`, tabindex: "0" },
      el("span", { class: "row-name" }, row.name),
      el("span", { class: `row-scope scope-${row.scope}` }, row.scope),
      el("span", { class: "row-type" }, row.type),
      ...flags.map((flag) => el("span", { class: `flag flag-${flag}` }, flag)),
      el("div", { class: "row-description" }, row.description),
      hit ? el("div", { class: "row-snippet" }, hit.snippet) : null,
    );
    const open = () => this.onOpen(row.scope, row.name);
    item.addEventListener("click", open);
    item.addEventListener("keydown", (event) => {
      if (event.key === "Enter") open();
    });
    return item;
  }

  private renderSidebar(counts: MemoryPage["counts"]): void {
    const entries = [el("li", {}, this.filterLink("All memories", { scope: "", type: "" }))];
    for (const [scope, types] of Object.entries(counts)) {
      const total = Object.values(types).reduce((sum, count) => sum + count, 0);
      const typeItems = Object.entries(types).map(([type, count]) =>
        el("li", {}, this.filterLink(`${type} (${count})`, { scope, type })),
      );
      entries.push(
        el("li", {}, this.filterLink(`${scope} (${total})`, { scope, type: "" }), el("ul", {}, ...typeItems)),
      );
    }
    this.sidebar.replaceChildren(...entries);
  }

  private filterLink(label: string, filter: Filter): HTMLElement {
    const current = filter.scope === this.filter.scope && filter.type === this.filter.type;
    const link = el("a", { href: "#", class: current ? "current" : "" }, label);
    link.addEventListener("click", (event) => {
      event.preventDefault();
      this.filter = filter;
      this.query = "";
      (document.getElementById("search-input") as HTMLInputElement).value = "";
      void this.reload();
    });
    return link;
  }
}
