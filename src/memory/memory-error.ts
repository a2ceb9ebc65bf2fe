import { UserFacingError } from "../core/errors.ts";

/** A memory problem the user or the model can act on: one clear line. */
export class MemoryError extends UserFacingError {
  override name = "MemoryError";
}
