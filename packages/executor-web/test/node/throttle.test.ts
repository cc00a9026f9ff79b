import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { InvalidArgumentError } from "@chunked/core";
import { throttle } from "../../src/index.js";

describe("throttle", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("passes the first call, merges the rest of the window into one trailing call with the latest arguments", () => {
    const calls: number[] = [];
    const f = throttle((x: number) => calls.push(x), 100);
    f(1);
    f(2);
    f(3);
    expect(calls).toEqual([1]);
    vi.advanceTimersByTime(99);
    expect(calls).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([1, 3]);
    vi.advanceTimersByTime(500);
    expect(calls).toEqual([1, 3]);
    f(4); // a new window: goes through at once
    expect(calls).toEqual([1, 3, 4]);
  });

  it("never loses the last event, and flush() delivers it now", () => {
    const calls: number[] = [];
    const f = throttle((x: number) => calls.push(x), 100);
    for (let i = 1; i <= 1000; i++) {
      f(i);
      vi.advanceTimersByTime(1);
    }
    f(1001);
    f.flush();
    expect(calls.at(-1)).toBe(1001);
    expect(calls.length).toBeLessThan(15);
    vi.advanceTimersByTime(1000);
    expect(calls.at(-1)).toBe(1001); // nothing pending after flush
  });

  it("cancel() drops the pending call", () => {
    const calls: number[] = [];
    const f = throttle((x: number) => calls.push(x), 50);
    f(1);
    f(2);
    f.cancel();
    vi.advanceTimersByTime(100);
    expect(calls).toEqual([1]);
    expect(() => throttle(() => {}, -1)).toThrow(InvalidArgumentError);
  });
});
