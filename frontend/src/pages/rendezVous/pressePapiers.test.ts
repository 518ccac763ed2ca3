import { describe, expect, it } from "vitest";

import { copier } from "./pressePapiers";

describe("copier", () => {
  it("copies where the Clipboard API answers", async () => {
    const copies: string[] = [];
    await expect(copier("https://x/a.ics", { writeText: async (t) => void copies.push(t) })).resolves.toBe(true);
    expect(copies).toEqual(["https://x/a.ics"]);
  });

  it("says so where there is no clipboard or it refuses (the screen then selects the address)", async () => {
    await expect(copier("u", undefined)).resolves.toBe(false);
    await expect(copier("u", { writeText: () => Promise.reject(new DOMException("refusé", "NotAllowedError")) })).resolves.toBe(false);
  });
});
