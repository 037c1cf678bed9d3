import { describe, expect, it } from "vitest";
import { formatTable } from "./text-table.js";

describe("formatTable", () => {
  it("aligns columns under their headers", () => {
    const text = formatTable(
      [{ header: "NAME" }, { header: "COUNT", align: "right" }],
      [
        ["Emergency access", "2"],
        ["HR", "10"],
      ],
    );
    expect(text.split("\n")).toEqual([
      "NAME              COUNT",
      "Emergency access      2",
      "HR                   10",
    ]);
  });

  it("cuts long cells and neutralises control characters from directory data", () => {
    const text = formatTable([{ header: "X", maxWidth: 5 }], [["abc\ndefgh"]]);
    expect(text.split("\n")).toEqual(["X", "abc …"]);
  });
});
