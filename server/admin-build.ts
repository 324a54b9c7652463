// The staff console's build under the names its callers know; the build
// itself is server/app-build.ts (shared with the guest app). New code
// should call app-build.ts with the app's name.
import { appBuildState, apps, buildApp, ensureAppBuilt, runAppBuildProcess, type AppBuildReport } from "./app-build.ts";

export { describeBuild, formatKiB, type AssetSize } from "./app-build.ts";
export type AdminBuildReport = AppBuildReport;
export const adminDir = apps.admin.dir;
export const adminDistDir = apps.admin.distDir;
export const adminBuildState = () => appBuildState("admin");
export const buildAdmin = (options?: Parameters<typeof buildApp>[1]) => buildApp("admin", options);
export const ensureAdminBuilt = (options?: Parameters<typeof ensureAppBuilt>[1]) => ensureAppBuilt("admin", options);
export const runAdminBuildProcess = (options?: { force?: boolean }) => runAppBuildProcess("admin", options);
