import { describe, expect, it } from "vitest";
import { outputStyle, paintStatus } from "./output-style.js";

const terminal = { write: () => undefined, isTTY: true, columns: 97 };
const pipe = { write: () => undefined };

describe("outputStyle", () => {
  it("colours and fits to the width on a terminal", () => {
    const style = outputStyle(terminal, {});
    expect(style.width).toBe(97);
    expect(paintStatus(style, "protected")).toBe("\u001b[32mprotected\u001b[39m");
  });

  it("stays plain when NO_COLOR is set or stdout is not a terminal; COLUMNS sets the width", () => {
    expect(paintStatus(outputStyle(terminal, { NO_COLOR: "1" }), "unknown")).toBe("unknown");
    const piped = outputStyle(pipe, {});
    expect(paintStatus(piped, "unknown")).toBe("unknown");
    expect(piped.width).toBeUndefined();
    expect(outputStyle(pipe, { COLUMNS: "80" }).width).toBe(80);
  });
});
