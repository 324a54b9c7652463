// The frame of every page: a skip link, the header with the navigation and
// the language switcher, the page, a footer.
import { lazy, Suspense, useEffect } from "react";
import { languages, useI18n, type Language } from "./i18n.tsx";
import { BookPage } from "./pages/Book.tsx";
import { ConfirmationPage } from "./pages/Confirmation.tsx";
import { ManagePage } from "./pages/Manage.tsx";
import { SearchPage } from "./pages/Search.tsx";
import { onLinkClick, useLocation, usePageTitle } from "./router.ts";

// Several rooms in one booking (issue 22): chunks of their own, loaded when a page needs them.
const GroupBookPage = lazy(() => import("./pages/GroupBook.tsx"));
const GroupConfirmationPage = lazy(() => import("./pages/Group.tsx").then((m) => ({ default: m.GroupConfirmationPage })));
// Guest accounts (issue 22): sign in by an emailed link, my bookings, attach a booking; a chunk of its own.
const AccountPage = lazy(() => import("./pages/Account.tsx"));

export function App() {
  const { t, language, setLanguage } = useI18n();
  const location = useLocation();
  useEffect(() => {
    // For tests and measurements (docs/benchmarks.md): the app is mounted and answers input.
    document.body.dataset.appReady = "true";
    performance.mark("keepr:interactive");
  }, []);
  return (
    <>
      <a className="skip-link" href="#main">{t("app.skip")}</a>
      <header className="site-header">
        <div className="container header-row">
          <a className="brand" href="/" onClick={onLinkClick}>
            <span aria-hidden="true" className="brand-mark">K</span> {t("app.brand")}
          </a>
          <nav aria-label={t("app.nav")}>
            <ul className="nav">
              <li><a href="/" onClick={onLinkClick} aria-current={location.path === "/" ? "page" : undefined}>{t("app.nav.search")}</a></li>
              <li><a href="/manage" onClick={onLinkClick} aria-current={location.path === "/manage" ? "page" : undefined}>{t("app.nav.manage")}</a></li>
              <li><a href="/account" onClick={onLinkClick} aria-current={location.path === "/account" ? "page" : undefined}>{t("app.nav.account")}</a></li>
            </ul>
          </nav>
          <div className="language">
            <label htmlFor="language">{t("app.language")}</label>
            <select id="language" value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
              {languages.map((l) => (
                <option key={l.code} value={l.code} lang={l.code}>{l.name}</option>
              ))}
            </select>
          </div>
        </div>
      </header>
      <main id="main" className="container" tabIndex={-1}>
        {location.path === "/" ? (
          <SearchPage location={location} />
        ) : location.path === "/book" ? (
          location.params.has("rooms") ? (
            <Suspense fallback={<Loading />}><GroupBookPage location={location} /></Suspense>
          ) : (
            <BookPage location={location} />
          )
        ) : location.path === "/confirmation" ? (
          location.params.has("group") ? (
            <Suspense fallback={<Loading />}><GroupConfirmationPage code={location.params.get("group") ?? ""} /></Suspense>
          ) : (
            <ConfirmationPage />
          )
        ) : location.path === "/manage" ? (
          <ManagePage />
        ) : location.path === "/account" ? (
          <Suspense fallback={<Loading />}><AccountPage /></Suspense>
        ) : (
          <NotFound />
        )}
      </main>
      <footer className="site-footer">
        <div className="container"><p>{t("app.footer")}</p></div>
      </footer>
    </>
  );
}

/** While a page's chunk loads. */
export function Loading() {
  const { t } = useI18n();
  return <p className="placeholder-block" role="status">{t("book.loading")}</p>;
}

function NotFound() {
  const { t } = useI18n();
  usePageTitle(t("app.notFound"));
  return (
    <>
      <h1 id="page-heading" tabIndex={-1}>{t("app.notFound")}</h1>
      <p>{t("app.notFound.text")}</p>
      <a className="button" href="/" onClick={onLinkClick}>{t("app.notFound.back")}</a>
    </>
  );
}
