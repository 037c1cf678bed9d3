import { describe, expect, it } from "vitest";
import { createProgressLine } from "./progress-line.js";

function sink(isTTY: boolean | undefined) {
  const writes: string[] = [];
  return { writes, stream: { write: (text: string) => writes.push(text), isTTY, columns: 60 } };
}

describe("createProgressLine", () => {
  it("draws phase and count in place on a terminal, then erases itself", () => {
    const { writes, stream } = sink(true);
    let clock = 0;
    const progress = createProgressLine(stream, { enabled: true, now: () => clock });
    progress.update("reading restricted units");
    clock = 200;
    progress.update("deciding protected accounts", 3, 12);
    progress.clear();
    progress.clear();
    expect(writes).toEqual([
      "\r\u001b[Kreading restricted units…",
      "\r\u001b[Kdeciding protected accounts… 3 of 12",
      "\r\u001b[K",
    ]);
  });

  it.each([
    ["not a terminal", false, true],
    ["a sink that does not say", undefined, true],
    ["turned off (JSON or log lines)", true, false],
  ])("prints nothing when stderr is %s", (_, isTTY, enabled) => {
    const { writes, stream } = sink(isTTY);
    const progress = createProgressLine(stream, { enabled });
    progress.update("deciding protected accounts", 1, 2);
    progress.clear();
    expect(writes).toEqual([]);
  });

  it("redraws counts within a phase at most once per interval, and fits the terminal", () => {
    const { writes, stream } = sink(true);
    let clock = 1_000;
    const progress = createProgressLine(stream, { enabled: true, intervalMs: 100, now: () => clock });
    for (let done = 0; done < 10; done += 1) {
      progress.update("deciding protected accounts", done, 10);
      clock += 30;
    }
    expect(writes).toHaveLength(3);
    progress.update("deciding protected accounts", 10, 10);
    expect(writes.at(-1)).toBe("\r\u001b[Kdeciding protected accounts… 10 of 10");
    progress.update("x".repeat(200));
    expect((writes.at(-1) ?? "").length).toBeLessThanOrEqual("\r\u001b[K".length + 59);
  });
});
