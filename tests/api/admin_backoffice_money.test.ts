// Money as the back office's forms read and show it (admin/src/ui/money.ts):
// decimals in major units to the API's integer minor units and back,
// exactly, per currency (EUR 2 decimals, JPY none, BHD three).
import { majorUnits, moneyInputValue, parseMoney } from "../../admin/src/ui/money.ts";
import { currencyDigits } from "../../admin/src/ui/format.ts";

it("knows each currency's minor-unit digits", () => {
  expect([currencyDigits("EUR"), currencyDigits("JPY"), currencyDigits("BHD"), currencyDigits("CHF")]).toEqual([2, 0, 3, 2]);
});

it("parses typed amounts to minor units exactly, refusing what is not an amount in the currency", () => {
  expect(parseMoney("120", "EUR")).toBe("12000");
  expect(parseMoney("120.5", "EUR")).toBe("12050");
  expect(parseMoney(" 1,234.56 ", "EUR")).toBe("123456");
  expect(parseMoney("0.07", "EUR")).toBe("7");
  expect(parseMoney("155.50", "EUR")).toBe("15550");
  // Far beyond a float's exact range: still exact.
  expect(parseMoney("90071992547409.93", "EUR")).toBe("9007199254740993");
  expect(parseMoney("1500", "JPY")).toBe("1500");
  expect(parseMoney("1.5", "JPY")).toBeNull();
  expect(parseMoney("1.234", "BHD")).toBe("1234");
  expect(parseMoney("1.234", "EUR")).toBeNull();
  expect(parseMoney("-5", "EUR")).toBeNull();
  expect(parseMoney("-5", "EUR", { allowNegative: true })).toBe("-500");
  expect(parseMoney("-0", "EUR", { allowNegative: true })).toBe("0");
  for (const bad of ["", "abc", "1e3", "12.3.4", "€12", "."]) expect(parseMoney(bad, "EUR")).toBeNull();
});

it("shows minor units as the decimal an input holds, and round-trips", () => {
  expect(moneyInputValue("12050", "EUR")).toBe("120.50");
  expect(moneyInputValue("-5", "EUR")).toBe("-0.05");
  expect(moneyInputValue("1500", "JPY")).toBe("1500");
  expect(moneyInputValue(null, "EUR")).toBe("");
  for (const minor of ["0", "1", "99", "100", "123456789012345678"]) expect(parseMoney(moneyInputValue(minor, "EUR"), "EUR")).toBe(minor);
  expect(majorUnits("12050", "EUR")).toBe(120.5);
  expect(majorUnits(null, "EUR")).toBe(0);
});
