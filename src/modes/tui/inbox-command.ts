import type { TuiHost, TuiInboxHost } from "./host.ts";

/**
 * The part of a slash command's context (commands.ts CommandContext) this
 * command uses, spelled out here because commands.ts imports this file.
 */
interface CommandContext {
  host: TuiHost;
  print(text: string): void;
  notify(level: "info" | "warning" | "error", text: string): void;
  pick(picker: {
    title: string;
    items: Array<{ label: string; description?: string; value: string }>;
    onSelect(value: string): void | Promise<void>;
  }): void;
  confirm(question: string): Promise<boolean>;
}

/**
 * /memory inbox: reflection's proposals for review, in the picker the rest of
 * /memory uses. Picking one prints its proposed file and diff, then asks what
 * to do with it; approving one whose current file changed since asks again
 * before replacing it (as `--force` does). The list opens again after each
 * decision while proposals remain.
 */
export async function reviewInbox(context: CommandContext): Promise<void> {
  const inbox = context.host.memory?.inbox;
  if (!inbox) return context.notify("warning", "Memory is off for this run (--no-memory or settings).");
  const { items, broken } = await inbox.list();
  for (const line of broken) context.notify("warning", line);
  if (items.length === 0) return context.notify("info", "No proposals waiting for review.");
  const count = `${items.length} ${items.length === 1 ? "proposal" : "proposals"}`;
  context.pick({
    title: `Review inbox · ${count}`,
    items: [
      ...items.map((item) => ({
        label: item.name,
        description: `${item.scope} · ${item.what} · session ${item.session} · ${item.age} ago`,
        value: `one ${item.name}`,
      })),
      { label: "Approve all", description: count, value: "all approve" },
      { label: "Reject all", description: count, value: "all reject" },
    ],
    onSelect: async (value) => {
      const [kind, rest = ""] = value.split(" ");
      if (kind === "one") return reviewOne(context, inbox, rest);
      const names = items.map((item) => item.name);
      if (rest === "approve") {
        if (!(await context.confirm(`Approve all ${count}?`)))
          return context.notify("info", "Nothing approved.");
        for (const name of names) await approve(context, inbox, name, false);
      } else {
        if (!(await context.confirm(`Reject all ${count}?`)))
          return context.notify("info", "Nothing rejected.");
        for (const name of names) context.notify("info", await inbox.reject(name));
      }
    },
  });
}

async function reviewOne(context: CommandContext, inbox: TuiInboxHost, name: string): Promise<void> {
  context.print(await inbox.show(name));
  context.pick({
    title: `Proposal ${name}`,
    items: [
      { label: "Approve", description: "put it in place", value: "approve" },
      { label: "Reject", description: "delete the proposal", value: "reject" },
      { label: "Later", description: "keep it in the inbox", value: "later" },
    ],
    onSelect: async (action) => {
      if (action === "approve") await approve(context, inbox, name, true);
      else if (action === "reject") context.notify("info", await inbox.reject(name));
      else context.notify("info", `Kept ${name} in the inbox.`);
      const { items } = await inbox.list();
      if (items.length > 0) await reviewInbox(context);
    },
  });
}

/** Approves; a changed current file is replaced only on a yes (askAgain), else the proposal stays. */
async function approve(context: CommandContext, inbox: TuiInboxHost, name: string, askAgain: boolean) {
  const first = await inbox.approve(name);
  if (first.done) return context.notify("info", first.text);
  if (!askAgain || !(await context.confirm(`${first.changed}. Replace it anyway?`))) {
    return context.notify("warning", `${name} stays in the inbox: ${first.changed}`);
  }
  const forced = await inbox.approve(name, true);
  context.notify("info", forced.done ? forced.text : forced.changed);
}
