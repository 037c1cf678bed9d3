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

describe("formatTable fitted to a width", () => {
  it("wraps the widest column inside itself so no line is wider than the terminal", () => {
    const message = "A long message that must wrap inside its column so the table fits thirty columns";
    const text = formatTable([{ header: "STATUS" }, { header: "MESSAGE" }], [["warning", message]], {
      width: 30,
    });
    const lines = text.split("\n");
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(30);
    expect(lines[1]).toMatch(/^warning {2}A long/);
    expect(
      lines
        .slice(1)
        .map((line) => line.slice(9).trim())
        .join(" "),
    ).toBe(message);
  });

  it("does not count colour codes as width", () => {
    const green = "\u001b[32mprotected\u001b[39m";
    const text = formatTable([{ header: "STATUS" }, { header: "N" }], [[green, "1"]], { width: 80 });
    expect(text.split("\n")[1]).toBe(`${green}  1`);
  });
});
