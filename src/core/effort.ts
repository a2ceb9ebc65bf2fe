/** How hard a reasoning model thinks before it answers: `--effort`, `/effort`, `"effort"` in settings. */
export const EFFORTS = ["minimal", "low", "medium", "high", "xhigh"] as const;

export type Effort = (typeof EFFORTS)[number];
