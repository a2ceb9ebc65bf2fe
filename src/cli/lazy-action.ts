/**
 * A command action whose code loads when the command runs, so `tacit -p` and
 * the TUI never load (or wait for) the code of subcommands they do not run.
 */
export function lazyAction<Module>(
  load: () => Promise<Module>,
  // biome-ignore lint/suspicious/noExplicitAny: commander passes each action its own arguments.
  pick: (module: Module) => (...args: any[]) => unknown,
): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    await pick(await load())(...args);
  };
}
