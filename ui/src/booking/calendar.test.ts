import { addMonths, monthRange, monthWeeks, weekdayNames } from "./calendar";

describe("the booking calendar", () => {
  it("lays a month out in weeks from Monday", () => {
    const weeks = monthWeeks("2026-12");
    // 1 December 2026 is a Tuesday; the 31st a Thursday.
    expect(weeks[0]).toEqual([null, "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06"]);
    expect(weeks[weeks.length - 1]).toEqual(["2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", null, null, null]);
    expect(weeks.flat().filter(Boolean)).toHaveLength(31);
    // February 2027 starts on a Monday and fills four weeks exactly.
    expect(monthWeeks("2027-02")).toHaveLength(4);
  });

  it("moves across years and asks for slots from today on", () => {
    expect(addMonths("2026-12", 1)).toBe("2027-01");
    expect(addMonths("2027-01", -1)).toBe("2026-12");
    expect(monthRange("2026-12", "2026-12-04")).toEqual({ from: "2026-12-04", to: "2026-12-31" });
    expect(monthRange("2027-01", "2026-12-04")).toEqual({ from: "2027-01-01", to: "2027-01-31" });
  });

  it("names the weekdays from Monday in the reader's language", () => {
    expect(weekdayNames("en")[0]).toBe("Mon");
    expect(weekdayNames("it")[6].toLowerCase()).toBe("dom");
  });
});
