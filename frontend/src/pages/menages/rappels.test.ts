import { describe, expect, it } from "vitest";

import { telephoneLisible } from "./rappels";

describe("telephoneLisible", () => {
  it("écrit un numéro français par paires, comme les rappels", () => {
    expect(telephoneLisible("+33612345678")).toBe("06 12 34 56 78");
    expect(telephoneLisible("+33299123456")).toBe("02 99 12 34 56");
  });
  it("laisse un numéro étranger tel quel, et rien pour rien", () => {
    expect(telephoneLisible("+4915112345678")).toBe("+4915112345678");
    expect(telephoneLisible(null)).toBe("");
  });
});
