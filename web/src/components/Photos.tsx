// A room's or property's photos: one at a time in a box of fixed aspect
// ratio (its space is reserved before the image arrives: no layout shift),
// with a button for the next one when there are several.
import { useState } from "react";
import { useI18n } from "../i18n.tsx";

export function Photos({ urls, name, eager = false }: { urls: readonly string[]; name: string; eager?: boolean }) {
  const { t } = useI18n();
  const [index, setIndex] = useState(0);
  if (urls.length === 0) return <div className="photo photo-empty" aria-hidden="true" />;
  const current = urls[index % urls.length]!;
  return (
    <div className="photo">
      <img
        src={current}
        alt={t("search.photo", { name, index: (index % urls.length) + 1, count: urls.length })}
        width={640}
        height={480}
        loading={eager ? "eager" : "lazy"}
        decoding="async"
      />
      {urls.length > 1 ? (
        <button type="button" className="photo-next" onClick={() => setIndex((i) => i + 1)} aria-label={t("search.morePhotos", { name })}>
          <span aria-hidden="true">›</span>
        </button>
      ) : null}
    </div>
  );
}

export function Amenities({ codes, label }: { codes: readonly string[]; label: string }) {
  const { tMaybe } = useI18n();
  if (codes.length === 0) return null;
  return (
    <ul className="amenities" aria-label={label}>
      {codes.map((code) => (
        <li key={code}>{tMaybe(`amenity.${code}`) ?? code.replace(/_/g, " ")}</li>
      ))}
    </ul>
  );
}
