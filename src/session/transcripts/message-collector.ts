import type { AssistantMessage, Message, ToolResultPart } from "../../core/messages.ts";
import { messageChars } from "./transcript-types.ts";

/**
 * Builds tacit's message list the way tacit's own sessions look: one assistant message per model
 * reply (the other agents write a reply's text, reasoning and calls as separate entries), the tool
 * results after it in one tool message, and the user's turns between.
 */
export class MessageCollector {
  private messages: Message[] = [];
  private chars = 0;

  get heldChars(): number {
    return this.chars;
  }

  user(text: string): void {
    if (!text.trim()) return;
    this.add({ role: "user", content: [{ type: "text", text }] });
  }

  assistant(parts: AssistantMessage["content"]): void {
    if (parts.length === 0) return;
    const last = this.messages.at(-1);
    const message: AssistantMessage = { role: "assistant", content: parts };
    this.chars += messageChars(message);
    if (last?.role === "assistant") last.content.push(...parts);
    else this.messages.push(message);
  }

  toolResult(part: ToolResultPart): void {
    const last = this.messages.at(-1);
    this.chars += part.output.length;
    if (last?.role === "tool") last.content.push(part);
    else this.messages.push({ role: "tool", content: [part] });
  }

  take(): Message[] {
    const taken = this.messages;
    this.messages = [];
    this.chars = 0;
    return taken;
  }

  private add(message: Message): void {
    this.chars += messageChars(message);
    this.messages.push(message);
  }
}
