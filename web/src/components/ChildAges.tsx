// One age select per child (issue 22): Search, Book and Manage ask the
// children's ages, since a rate may price them by age (docs/booking.md,
// "Children by age"). The ages travel in the URL as ages=4,7 (childAgesParam),
// so a refresh or a shared link keeps them.
import { useI18n } from "../i18n.tsx";

/** Ages as the form holds them: null until the guest chose one. */
export type FormAges = Array<number | null>;

/** The ages in a URL's `ages` (e.g. "4,7"), when they are one age of 0 to 17 per child; else null. */
export function childAgesOf(value: string | null, children: number): number[] | null {
  if (children === 0) return [];
  const ages = (value ?? "").split(",").filter((a) => a !== "").map(Number);
  return ages.length === children && ages.every((a) => Number.isInteger(a) && a >= 0 && a <= 17) ? ages : null;
}

/** The `ages` URL parameter (null when there are no children or no ages). */
export const childAgesParam = (ages: readonly number[] | null | undefined): string | null => (ages && ages.length > 0 ? ages.join(",") : null);

/** The form's ages resized to `children` (the ages chosen so far kept, new children unchosen). */
export const resizeAges = (ages: FormAges, children: number): FormAges => Array.from({ length: children }, (_, i) => ages[i] ?? null);

/** All chosen: the ages; else null. */
export const chosenAges = (ages: FormAges): number[] | null => (ages.every((a): a is number => a !== null) ? ages : null);

export function ChildAges({ idPrefix, ages, onChange, invalid = false, describedBy }: {
  idPrefix: string;
  ages: FormAges;
  onChange: (ages: FormAges) => void;
  invalid?: boolean;
  describedBy?: string;
}) {
  const { t } = useI18n();
  if (ages.length === 0) return null;
  return (
    <fieldset className="child-ages" data-testid={`${idPrefix}-ages`}>
      <legend>{t("ages.legend")}</legend>
      <p className="hint" id={`${idPrefix}-ages-hint`}>{t("ages.hint")}</p>
      <div className="child-ages-fields">
        {ages.map((age, i) => (
          <div className="field" key={i}>
            <label htmlFor={`${idPrefix}-age-${i}`}>{t("ages.child", { n: i + 1 })}</label>
            <select
              id={`${idPrefix}-age-${i}`}
              value={age ?? ""}
              required
              aria-invalid={invalid && age === null ? true : undefined}
              aria-describedby={[`${idPrefix}-ages-hint`, invalid && age === null ? describedBy : undefined].filter(Boolean).join(" ")}
              onChange={(e) => onChange(ages.map((a, j) => (j === i ? (e.target.value === "" ? null : Number(e.target.value)) : a)))}
            >
              <option value="">{t("ages.choose")}</option>
              {Array.from({ length: 18 }, (_, a) => (
                <option key={a} value={a}>
                  {t("ages.option", { age: a })}
                </option>
              ))}
            </select>
          </div>
        ))}
      </div>
    </fieldset>
  );
}
