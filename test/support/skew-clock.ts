import { ManualClock } from "../../src/index.ts";

/** A ManualClock whose `now()` can be pushed forward by hand, to give waiting and processing a duration. */
export class SkewClock extends ManualClock {
  extra = 0;
  override now(): number {
    return super.now() + this.extra;
  }
}
