import { describe, expect, test } from "vitest";
import { RunTimes } from "../../src/pool/run-times.js";

describe("RunTimes", () => {
  test("estimates each kernel by the median of its latest runs: one pre-empted run does not count", () => {
    const times = new RunTimes();
    expect(times.cost("k")).toBeUndefined();
    expect(times.slowestRecent()).toBeUndefined();
    for (const ms of [0.01, 0.01, 40, 0.01, 0.01]) times.learn("k", ms);
    expect(times.cost("k")).toBe(0.01);
    times.learn("k", 0.03);
    expect(times.cost("k")).toBe(0.01); // even count: mean of the two middle samples
    // Only the latest 9 samples count.
    for (let i = 0; i < 9; i++) times.learn("k", 5);
    expect(times.cost("k")).toBe(5);
  });

  test("the slowest recent kernel sets the pace, however many tiny tasks ran beside it", () => {
    const times = new RunTimes();
    for (let i = 0; i < 10; i++) {
      times.learn("read", 20);
      for (let j = 0; j < 20; j++) times.learn("partial", 0.01);
    }
    expect(times.slowestRecent()).toBe(20);
    // A kernel that has not run within the latest 256 samples no longer counts (20 ran since the read).
    for (let j = 0; j < 235; j++) times.learn("partial", 0.01);
    expect(times.slowestRecent()).toBe(20);
    times.learn("partial", 0.01);
    expect(times.slowestRecent()).toBe(0.01);
  });
});
