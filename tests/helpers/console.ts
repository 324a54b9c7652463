// The staff console in a browser test: a user given the fixture password,
// and signing in to /admin/ as them.
import type pg from "pg";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { collectPageErrors } from "./browser.ts";
import { fixturePassword } from "./fixtures.ts";

/** Gives the user the fixture password (and the display name, if one is given); returns their email. */
export async function withPassword(pool: pg.Pool, userId: string, displayName?: string): Promise<string> {
  if (displayName !== undefined) await pool.query("update app_public.users set display_name = $2 where id = $1", [userId, displayName]);
  await pool.query(
    "insert into app_private.user_secrets (user_id, password_hash) values ($1, public.crypt($2, public.gen_salt('bf', 4))) on conflict do nothing",
    [userId, fixturePassword],
  );
  return (await pool.query<{ email: string }>("select email from app_public.users where id = $1", [userId])).rows[0]!.email;
}

export interface SignInOptions {
  /**
   * The first screen waited for: the day board ("dashboard", the default),
   * or either it or housekeeping's own board ("board", for a user who may be
   * housekeeping, who reads no reservations).
   */
  ready?: "dashboard" | "board";
  /** Runs on the filled-in sign-in form, before it is sent. */
  beforeSubmit?: (page: Page) => Promise<void>;
}

/**
 * A new page of the context on the console (serverUrl/admin/), signed in as
 * email with the fixture password, once its first screen is ready; with
 * what the page logs as errors from the start.
 */
export async function signInToConsole(context: BrowserContext, serverUrl: string, email: string, options: SignInOptions = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(`${serverUrl}/admin/`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(fixturePassword);
  await options.beforeSubmit?.(page);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (options.ready === "board") await page.locator('[data-testid="dashboard-ready"], [data-testid="housekeeping-ready"]').first().waitFor();
  else await page.getByTestId("dashboard-ready").waitFor();
  return { page, errors };
}

/**
 * Picks an option of a MUI select by its field's label, within scope (a
 * dialog or a form; the page by default), and waits for its list to close.
 */
export async function chooseOption(page: Page, label: string | RegExp, option: string | RegExp, scope: Page | Locator = page): Promise<void> {
  await scope.getByRole("combobox", { name: label }).click();
  await page.getByRole("option", { name: option, exact: typeof option === "string" }).click();
  await page.getByRole("listbox").waitFor({ state: "detached" });
}
