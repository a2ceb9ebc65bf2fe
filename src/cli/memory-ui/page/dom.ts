type Child = Node | string | null | undefined | false;

/** Builds an element; text is always set as text, never as HTML, so memory content cannot inject markup. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return element;
}

export function button(
  label: string,
  onClick: () => void,
  attributes: Record<string, string> = {},
): HTMLButtonElement {
  const element = el("button", { type: "button", ...attributes }, label);
  element.addEventListener("click", onClick);
  return element;
}

/** Shows one line of what happened (or went wrong) at the top of the page. */
export function setStatus(text: string, kind: "info" | "error" = "info"): void {
  const status = document.getElementById("status");
  if (!status) return;
  status.textContent = text;
  status.className = kind;
}

/** A unified diff with added and removed lines coloured. */
export function patchView(patch: string): HTMLElement {
  const pre = el("pre", { class: "patch" });
  for (const line of patch.split("\n")) {
    const kind =
      line.startsWith("+") && !line.startsWith("+++")
        ? "add"
        : line.startsWith("-") && !line.startsWith("---")
          ? "del"
          : line.startsWith("@@")
            ? "hunk"
            : "";
    pre.append(el("span", kind ? { class: kind } : {}, `${line}\n`));
  }
  return pre;
}

export function shortDate(iso: string): string {
  return iso.replace("T", " ").slice(0, 16);
}
