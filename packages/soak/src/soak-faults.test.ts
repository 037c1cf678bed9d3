/**
 * Faults that only make sense on a listing (a page to truncate, a nextLink to loop) target exactly the
 * routes the fake Graph server answers with pages: the list comes from the testing kit, not a copy.
 */
import { FAKE_GRAPH_LISTING_ROUTES } from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";
import { createSeededRandom } from "./seeded-random.js";
import { drawFault } from "./soak-faults.js";

describe("drawFault", () => {
  it.each(["truncated-json", "malformed-json", "next-link-loop"] as const)(
    "%s targets every listing route of the fake server and nothing else",
    (kind) => {
      const rng = createSeededRandom(7);
      const routes = new Set(
        Array.from({ length: 400 }, () => drawFault(kind, rng, { deadlineMs: 100 }).fault.match?.route),
      );
      expect([...routes].sort()).toEqual([...FAKE_GRAPH_LISTING_ROUTES].sort());
    },
  );
});
